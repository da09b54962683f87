// /v1/users: members of the current tenant (global users joined by a membership).
// Who may do what is decided in SQL (tenantd.has_permission inside the memberships policies and
// the api.* procedures); these handlers parse, call, and shape the answer.
#include <regex>

#include "api/idempotency.hpp"
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/routes.hpp"
#include "auth/password.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

// The member columns every statement below returns, in this order.
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

bool is_role_word(const std::string& s) {
  static const std::regex kRole("^[a-z][a-z0-9_]{0,62}$");
  return std::regex_match(s, kRole);
}

// `q` is matched as a substring with ILIKE: its own % _ and \ are literal characters.
std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

const std::string& user_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError(404, "user_not_found", "no such user in this tenant");
  return id;
}

Response list_users(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  std::string after;
  if (auto c = ctx.query_value("cursor")) {
    after = decode_cursor(*c);
    if (!util::is_uuid(after))
      throw ApiError(400, "invalid_cursor", "the cursor is not one this service issued");
  }
  std::string role;
  if (auto v = ctx.query_value("role")) {
    if (!is_role_word(*v)) {
      throw ApiError(400, "invalid_filter", "role must be a role name (a-z, 0-9, _; at most 63 characters)");
    }
    role = *v;
  }
  std::string pattern;
  if (auto v = ctx.query_value("q")) {
    if (v->empty() || v->size() > 200) throw ApiError(400, "invalid_filter", "q must be 1 to 200 characters");
    pattern = like_pattern(*v);
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  // One extra row tells whether another page exists.
  const std::string from =
      after.empty() ? "00000000-0000-0000-0000-000000000000" : util::canonical_uuid(after);
  pqxx::result r;
  if (role.empty() && pattern.empty()) {
    r = tx.exec_prepared("users_list", limit + 1, from);
  } else if (pattern.empty()) {
    r = tx.exec_prepared("users_list_role", limit + 1, from, role);
  } else if (role.empty()) {
    r = tx.exec_prepared("users_list_q", limit + 1, from, pattern);
  } else {
    r = tx.exec_prepared("users_list_role_q", limit + 1, from, role, pattern);
  }
  tx.commit();
  return page_response(r, limit, write_member,
                       [](const pqxx::row& last) { return std::string(last[0].c_str()); });
}

Response get_user(RequestContext& ctx) {
  const std::string& id = user_id_param(ctx);
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
  const Idempotency idem = idempotency_for(ctx);
  reject_unknown_fields(ctx, {"email", "role", "display_name", "password"});
  const std::string email = required_string(ctx, "email", 254);
  const std::string role = required_string(ctx, "role", 63);
  const auto display_name = optional_string(ctx, "display_name", 200);
  const auto password = optional_string(ctx, "password", 1024);
  // Cheap refusal before the slow KDF for the built-in roles that never hold members:write;
  // api.create_member decides authoritatively (tenantd.has_permission) for every role.
  const auto& p = *ctx.principal;
  if (p.role == "member" || p.role == "read_only") {
    throw ApiError(403, "forbidden", "adding members needs the members:write permission");
  }
  std::string hash;
  if (password) {
    if (password->size() < 8)
      throw ApiError(422, "validation_failed", "password must be at least 8 characters");
    hash = auth::hash_password(*password);
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  if (auto replay = idem.begin(tx)) return *replay;
  auto r = tx.exec_prepared("users_create", email, role, display_name.value_or(""), hash,
                            ctx.svc.config.max_tenants_per_user);
  if (r.size() != 1) throw std::runtime_error("create_member returned no row");
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
  idem.finish(tx, res);
  tx.commit();
  return res;
}

// PATCH {role?, display_name?, disabled?}: absent = unchanged; display_name null clears it.
Response patch_user(RequestContext& ctx) {
  const std::string id = util::canonical_uuid(user_id_param(ctx));
  if (!ctx.has_json) throw ApiError(400, "body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"role", "display_name", "disabled"});
  std::string role;
  if (auto v = optional_string(ctx, "role", 63)) {
    if (!is_role_word(*v)) throw ApiError(422, "unknown_role", "role must be one of the tenant's roles");
    role = *v;
  }
  bool set_display_name = false;
  std::string display_name;
  bool display_name_null = false;
  if (auto it = ctx.json.FindMember("display_name"); it != ctx.json.MemberEnd()) {
    set_display_name = true;
    if (it->value.IsNull()) {
      display_name_null = true;
    } else {
      auto v = optional_string(ctx, "display_name", 200);
      display_name = *v;
    }
  }
  int disabled = -1;  // -1 unchanged
  if (auto it = ctx.json.FindMember("disabled"); it != ctx.json.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsBool()) throw ApiError(400, "invalid_field_type", "field 'disabled' must be a boolean");
    disabled = it->value.GetBool() ? 1 : 0;
  }
  if (role.empty() && !set_display_name && disabled < 0) {
    throw ApiError(422, "validation_failed", "nothing to change: give role, display_name or disabled");
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  tx.exec_prepared("users_update", id, role, disabled, set_display_name, display_name_null, display_name);
  auto r = tx.exec_prepared("users_get", id);
  tx.commit();
  // a caller without members:read who changed someone else no longer sees them: nothing to show
  if (r.empty()) return {204, ""};
  util::JsonOut j;
  write_member(j, r[0]);
  return {200, j.take()};
}

Response delete_user(RequestContext& ctx) {
  const std::string id = util::canonical_uuid(user_id_param(ctx));
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  tx.exec_prepared("users_delete", id);
  tx.commit();
  return {204, ""};
}

}  // namespace

void register_users(Router& r) {
  using db::ts;
  // The tenant comes from the transaction-local context: no statement filters by a tenant
  // parameter; row-level security does. `disabled` is true when the membership is disabled in
  // this tenant or the user is disabled everywhere.
  // display_name is the membership's: the name this tenant knows the person by.
  const std::string member_cols = "select u.id, u.email, m.display_name, m.role, " + ts("m.created_at") +
                                  ", (m.disabled or u.disabled) "
                                  "from tenantd.memberships m join tenantd.users u on u.id = m.user_id ";
  db::add_statements({
      // One statement per filter combination rather than catch-all "($3 = '' or …)" terms:
      // those make the generic plan read and sort the whole tenant, so PostgreSQL re-plans
      // every execution (bench/: half the database throughput). The cursor is a uuid
      // parameter (the nil uuid for page one) so that it stays an index condition under RLS.
      {"users_list", member_cols + "where m.user_id > $2::uuid order by m.user_id limit $1::int"},
      {"users_list_role",
       member_cols + "where m.user_id > $2::uuid and m.role = $3 order by m.user_id limit $1::int"},
      {"users_list_q", member_cols +
                           "where m.user_id > $2::uuid and (u.email ilike $3 or m.display_name ilike $3) "
                           "order by m.user_id limit $1::int"},
      {"users_list_role_q",
       member_cols +
           "where m.user_id > $2::uuid and m.role = $3 and (u.email ilike $4 or m.display_name ilike $4) "
           "order by m.user_id limit $1::int"},
      {"users_get", member_cols + "where m.user_id = $1::uuid"},
      {"users_create", "select user_id, email, display_name, role, " + ts("created_at") +
                           " "
                           "from api.create_member($1, $2, nullif($3, ''), nullif($4, ''), $5::int)"},
      {"users_update",
       "select api.update_member($1::uuid, nullif($2, ''), "
       "case $3::int when 1 then true when 0 then false end, $4::boolean, "
       "case when $5::boolean then null else $6 end)"},
      {"users_delete", "select api.delete_member($1::uuid)"},
  });
  r.add_tenant("GET", "/users", list_users);
  r.add_tenant("POST", "/users", create_user);
  r.add_tenant("GET", "/users/{id}", get_user);
  r.add_tenant("PATCH", "/users/{id}", patch_user);
  r.add_tenant("DELETE", "/users/{id}", delete_user);
}

}  // namespace tenantd::api
