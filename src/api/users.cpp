// /v1/users: members of the current tenant (global users joined by a membership).
#include "api/input.hpp"
#include "api/routes.hpp"
#include "auth/password.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

void write_member(util::JsonOut& j, const pqxx::row& row) {
  j.begin_object()
      .str("id", row[0].c_str())
      .str("email", row[1].c_str())
      .str_or_null("display_name", row[2].is_null() ? nullptr : row[2].c_str())
      .str("role", row[3].c_str())
      .str("created_at", row[4].c_str())
      .boolean("disabled", row[5].as<bool>())
      .end_object();
}

Response list_users(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  std::string after;
  if (auto c = ctx.query_value("cursor")) {
    after = decode_cursor(*c);
    if (!util::is_uuid(after)) throw ApiError(400, "invalid_cursor", "the cursor is not one this service issued");
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  // One extra row tells whether another page exists.
  auto r = tx.exec_prepared("users_list", limit + 1, after);
  tx.commit();
  util::JsonOut j;
  j.begin_object().begin_array("data");
  const size_t n = std::min(r.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) write_member(j, r[i]);
  j.end_array();
  if (r.size() > n) {
    j.str("next_cursor", encode_cursor(r[n - 1][0].c_str()));
  } else {
    j.null("next_cursor");
  }
  j.end_object();
  return {200, j.take()};
}

Response get_user(RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError(404, "user_not_found", "no such user in this tenant");
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("users_get", util::canonical_uuid(id));
  tx.commit();
  if (r.empty()) throw ApiError(404, "user_not_found", "no such user in this tenant");
  util::JsonOut j;
  write_member(j, r[0]);
  return {200, j.take()};
}

Response create_user(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"email", "role", "display_name", "password"});
  const std::string email = required_string(ctx, "email", 254);
  const std::string role = required_string(ctx, "role", 63);
  const auto display_name = optional_string(ctx, "display_name", 200);
  const auto password = optional_string(ctx, "password", 1024);
  // Cheap refusal before the slow KDF; the procedure checks the same rule authoritatively.
  const auto& p = *ctx.principal;
  if (!p.is_super_admin() && p.role != "tenant_admin") {
    throw ApiError(403, "forbidden", "only a tenant_admin or super_admin may add members");
  }
  std::string hash;
  if (password) {
    if (password->size() < 8) throw ApiError(422, "validation_failed", "password must be at least 8 characters");
    hash = auth::hash_password(*password);
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("users_create", email, role, display_name.value_or(""), hash);
  if (r.size() != 1) throw std::runtime_error("create_member returned no row");
  tx.commit();
  util::JsonOut j;
  const auto& row = r[0];
  j.begin_object()
      .str("id", row[0].c_str())
      .str("email", row[1].c_str())
      .str_or_null("display_name", row[2].is_null() ? nullptr : row[2].c_str())
      .str("role", row[3].c_str())
      .str("created_at", row[4].c_str())
      .boolean("disabled", false)
      .end_object();
  Response res{201, j.take()};
  res.headers["Location"] = "/v1/users/" + std::string(row[0].c_str());
  return res;
}

}  // namespace

void register_users(Router& r) {
  using db::ts;
  // The tenant comes from the transaction-local context: no statement filters by a tenant
  // parameter; row-level security does.
  db::add_statements({
      {"users_list",
       "select u.id, u.email, u.display_name, m.role, " + ts("m.created_at") + ", u.disabled "
       "from tenantd.memberships m join tenantd.users u on u.id = m.user_id "
       "where m.user_id > coalesce(nullif($2, '')::uuid, '00000000-0000-0000-0000-000000000000'::uuid) "
       "order by m.user_id limit $1::int"},
      {"users_get",
       "select u.id, u.email, u.display_name, m.role, " + ts("m.created_at") + ", u.disabled "
       "from tenantd.memberships m join tenantd.users u on u.id = m.user_id where m.user_id = $1::uuid"},
      {"users_create",
       "select user_id, email, display_name, role, " + ts("created_at") + ", user_created "
       "from api.create_member($1, $2, nullif($3, ''), nullif($4, ''))"},
  });
  r.add_tenant("GET", "/users", list_users);
  r.add_tenant("POST", "/users", create_user);
  r.add_tenant("GET", "/users/{id}", get_user);
}

}  // namespace tenantd::api
