// GET /v1/tenant-status/{id} (public) and GET /v1/tenant-status (the caller's tenant): where a
// tenant is on its way from sign-up to active (issue 5 §4). Status, provisioning phase, error
// code, attempts and timestamps only — no name, slug or anything else (api.tenant_status).
//
// The public route also shows the sign-up's admin invitation token, once, to the caller that
// presents the sign-up's Idempotency-Key (header Idempotency-Key, the same value): the token is
// recomputed from the stored nonce and the key (api/signup_token.hpp) and shown only when
// api.reveal_signup_invitation finds its SHA-256 and marks it revealed, in one transaction.
// A wrong key shows nothing and is not an error (the answer does not say whether a token waits
// for someone else).
#include "api/tenant_status.hpp"
#include "api/signup_token.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

std::string status_json(const pqxx::row& row, const std::string& token) {
  auto opt = [&](int i) { return row[i].is_null() ? nullptr : row[i].c_str(); };
  util::JsonOut j;
  j.begin_object()
      .str("tenant_id", row[0].c_str())
      .str("status", row[1].c_str())
      .str_or_null("provisioning_status", opt(2))
      .str_or_null("error_code", opt(3))
      .integer("attempts", row[4].as<int64_t>())
      .str("created_at", row[5].c_str())
      .str_or_null("provisioning_started_at", opt(6))
      .str_or_null("provisioning_completed_at", opt(7))
      .str_or_null("activated_at", opt(8));
  if (!token.empty()) j.str("admin_invitation_token", token);
  j.end_object();
  return j.take();
}

}  // namespace

namespace tenant_status {

Response public_status(RequestContext& ctx) {
  const std::string id = ctx.params.at("id");
  if (!util::is_uuid(id)) throw ApiError("tenant_not_found", "no such tenant");
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  auto r = tx.exec_prepared("tenant_status", id);
  if (r.size() != 1) throw ApiError("tenant_not_found", "no such tenant");
  std::string token;
  const std::string* key = ctx.header("idempotency-key");
  if (key && r[0][9].as<bool>()) {
    auto n = tx.exec_prepared("tenant_status_nonce", id);
    if (!n.empty() && !n[0][0].is_null()) {
      const pqxx::binarystring nonce(n[0][0]);
      const std::string candidate = signup_invitation_token(signup_key_value(*key), nonce.str());
      auto ok = tx.exec_prepared("tenant_status_reveal", id, util::sha256_hex(candidate));
      if (ok[0][0].as<bool>()) token = candidate;
    }
  }
  tx.commit();
  ctx.tenant_id = id;
  Response res{200, status_json(r[0], token)};
  res.headers["Cache-Control"] = "no-store";
  return res;
}

Response own_status(RequestContext& ctx) {
  ctx.tenant_ctx.allow_inactive = true;  // a suspended or deleted tenant may still ask
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  const std::string id = tx.tenant_id();
  if (id.empty()) throw ApiError("tenant_required", "the token names no tenant");
  auto r = tx.exec_prepared("tenant_status", id);
  tx.commit();
  if (r.size() != 1) throw ApiError("tenant_not_found", "no such tenant");
  ctx.tenant_id = id;
  Response res{200, status_json(r[0], "")};
  res.headers["Cache-Control"] = "no-store";
  return res;
}

}  // namespace tenant_status

void add_tenant_status_statements() {
  db::add_statements({
      {"tenant_status", "select tenant_id, status, provisioning_status, error_code, attempts, " +
                            db::ts("created_at") + ", " + db::ts("provisioning_started_at") + ", " +
                            db::ts("provisioning_completed_at") + ", " + db::ts("activated_at") +
                            ", invitation_pending from api.tenant_status($1::uuid)"},
      {"tenant_status_nonce", "select api.signup_invitation_nonce($1::uuid)"},
      {"tenant_status_reveal", "select api.reveal_signup_invitation($1::uuid, decode($2, 'hex'))"},
  });
}


}  // namespace tenantd::api
