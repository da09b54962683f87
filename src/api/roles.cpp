// /v1/roles: the roles of the current tenant: built-ins (tenant_admin, member, read_only) and
// tenant-defined roles holding permissions from tenantd.permission_catalogue(). Reading needs only
// membership; writing needs roles:write. The rules (built-ins fixed, role in use, unknown
// permission, no granting what one lacks) are in the api.*_role procedures.
#include <regex>

#include "api/idempotency.hpp"
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/roles.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

void write_role(util::JsonOut& j, const pqxx::row& row) {
  j.begin_object()
      .str("id", row[0].c_str())
      .str("name", row[1].c_str())
      .str_or_null("description", row[2].is_null() ? nullptr : row[2].c_str())
      .boolean("built_in", row[3].as<bool>())
      .raw("permissions", row[4].c_str())
      .str("created_at", row[5].c_str())
      .str("updated_at", row[6].c_str())
      .end_object();
}

const std::string& role_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("role_not_found", "no such role in this tenant");
  return id;
}

// `permissions`: an array of permission names, passed to SQL comma-joined (a name never holds a
// comma: anything but [a-z_:] is refused here, the catalogue check is SQL's).
std::string permissions_field(const RequestContext& ctx) {
  auto it = ctx.json.FindMember("permissions");
  if (!it->value.IsArray())
    throw ApiError("invalid_field_type", "field 'permissions' must be an array of strings");
  if (it->value.Size() > 100) throw ApiError("validation_failed", "at most 100 permissions");
  static const std::regex kName("^[a-z_:]{1,64}$");
  std::string joined;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString())
      throw ApiError("invalid_field_type", "field 'permissions' must be an array of strings");
    std::string s(v.GetString(), v.GetStringLength());
    if (!std::regex_match(s, kName)) {
      throw ApiError("unknown_permission", "'" + s.substr(0, 64) + "' is not a permission");
    }
    joined += (joined.empty() ? "" : ",") + s;
  }
  return joined;
}

bool has_field(const RequestContext& ctx, const char* name) {
  return ctx.has_json && ctx.json.FindMember(name) != ctx.json.MemberEnd();
}

}  // namespace

namespace roles {

Response list_roles(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  std::string after;
  if (auto c = ctx.query_value("cursor")) after = decode_cursor(*c);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("roles_list", limit + 1, after);
  tx.commit();
  return page_response(r, limit, write_role,
                       [](const pqxx::row& last) { return std::string(last[1].c_str()); });
}

Response get_role(RequestContext& ctx) {
  const std::string id = util::canonical_uuid(role_id_param(ctx));
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("roles_get", id);
  tx.commit();
  if (r.empty()) throw ApiError("role_not_found", "no such role in this tenant");
  util::JsonOut j;
  write_role(j, r[0]);
  return {200, j.take()};
}

Response create_role(RequestContext& ctx) {
  const Idempotency idem = idempotency_for(ctx);
  reject_unknown_fields(ctx, {"name", "description", "permissions"});
  const std::string name = required_string(ctx, "name", 63);
  const auto description = optional_string(ctx, "description", 1000);
  if (!has_field(ctx, "permissions") || ctx.json["permissions"].IsNull()) {
    throw ApiError("missing_field", "field 'permissions' is required");
  }
  const std::string perms = permissions_field(ctx);
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  if (auto replay = idem.begin(tx)) return *replay;
  auto id = tx.exec_prepared("roles_create", name, description.has_value(), description.value_or(""), perms);
  if (id.size() != 1) throw std::runtime_error("create_role returned no row");
  const std::string role_id = id[0][0].c_str();
  auto r = tx.exec_prepared("roles_get", role_id);
  if (r.size() != 1) throw std::runtime_error("created role not visible");
  util::JsonOut j;
  write_role(j, r[0]);
  Response res{201, j.take()};
  res.headers["Location"] = "/v1/roles/" + role_id;
  idem.finish(tx, res);
  tx.commit();
  return res;
}

// PATCH {description?, permissions?}: absent = unchanged; description null clears it;
// permissions replaces the list.
Response patch_role(RequestContext& ctx) {
  const std::string id = util::canonical_uuid(role_id_param(ctx));
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"description", "permissions"});
  const bool set_description = has_field(ctx, "description");
  const auto description = optional_string(ctx, "description", 1000);  // null → nullopt → cleared
  const bool set_permissions = has_field(ctx, "permissions") && !ctx.json["permissions"].IsNull();
  const std::string perms = set_permissions ? permissions_field(ctx) : "";
  if (!set_description && !set_permissions) {
    throw ApiError("validation_failed", "nothing to change: give description or permissions");
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  tx.exec_prepared("roles_update", id, set_description, description.has_value(), description.value_or(""),
                   set_permissions, perms);
  auto r = tx.exec_prepared("roles_get", id);
  if (r.size() != 1) throw std::runtime_error("updated role not visible");
  tx.commit();
  util::JsonOut j;
  write_role(j, r[0]);
  return {200, j.take()};
}

Response delete_role(RequestContext& ctx) {
  const std::string id = util::canonical_uuid(role_id_param(ctx));
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  tx.exec_prepared("roles_delete", id);
  tx.commit();
  return {204, ""};
}

}  // namespace roles

void add_roles_statements() {
  using db::ts;
  // Row-level security limits every statement to the current tenant.
  const std::string role_cols =
      "select r.id, r.name, r.description, r.built_in, "
      "to_jsonb(coalesce(tenantd.permissions_of_role(r.name), '{}'))::text, " +
      ts("r.created_at") + ", " + ts("r.updated_at") + " from tenantd.roles r ";
  db::add_statements({
      {"roles_list", role_cols + "where r.name > $2 order by r.name limit $1::int"},
      {"roles_get", role_cols + "where r.id = $1::uuid"},
      {"roles_create",
       "select api.create_role($1, case when $2::boolean then $3 end, string_to_array($4, ','))"},
      {"roles_update",
       "select api.update_role($1::uuid, $2::boolean, case when $3::boolean then $4 end, "
       "case when $5::boolean then string_to_array($6, ',') end)"},
      {"roles_delete", "select api.delete_role($1::uuid)"},
  });
}


}  // namespace tenantd::api
