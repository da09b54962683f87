#include "api/idempotency.hpp"

#include "db/statements.hpp"
#include "http/idempotency_key.hpp"
#include "http/problem.hpp"

namespace tenantd::api {

namespace {
// Registered once, whatever route uses them first.
void ensure_statements() {
  static const bool once = [] {
    db::add_statements({
        {"idempotency_begin",
         "select state, response_status, response_body from tenantd.idempotency_begin($1, $2, $3, $4)"},
        {"idempotency_finish", "select tenantd.idempotency_finish($1, $2, $3, $4)"},
    });
    return true;
  }();
  (void)once;
}
const bool kRegistered = (ensure_statements(), true);
}  // namespace

Idempotency idempotency_for(const RequestContext& ctx) {
  Idempotency idem;
  if (auto k = idempotency_key_of(ctx)) {
    idem.scope_ = k->scope;
    idem.key_ = k->key_hash;
    idem.fingerprint_ = k->fingerprint;
    idem.ttl_seconds_ = k->ttl_seconds;
  }
  return idem;
}

// The tenant a request acts in is part of the scope: a super admin (no tenant claim) who sends
// one key to tenant A and then to tenant B (X-Tenant-Id, Host) must get a new run in B, never
// A's stored answer. It is the tenant enter_context resolved in this transaction, so the id and
// the slug spelling of one tenant share a scope.
std::string Idempotency::scope_in(const db::TenantTx& tx) const {
  return scope_ + "|tenant:" + tx.tenant_id();
}

std::optional<Response> Idempotency::begin(db::TenantTx& tx) const {
  if (!active()) return std::nullopt;
  auto r = tx.exec_prepared("idempotency_begin", scope_in(tx), key_, fingerprint_, ttl_seconds_);
  if (r.size() != 1) throw std::runtime_error("idempotency_begin returned no row");
  if (std::string(r[0][0].c_str()) != "replay") return std::nullopt;
  Response res(r[0][1].as<int>(), r[0][2].is_null() ? "" : r[0][2].c_str());
  res.headers["Idempotent-Replayed"] = "true";
  tx.commit();
  return res;
}

void Idempotency::finish(db::TenantTx& tx, const Response& res) const {
  if (!active()) return;
  tx.exec_prepared("idempotency_finish", scope_in(tx), key_, res.status, res.body);
}

}  // namespace tenantd::api
