// /v1/roles: the roles of the current tenant: built-ins (tenant_admin, member, read_only) and
// tenant-defined roles holding permissions from tenantd.permission_catalogue(). Reading needs only
// membership; writing needs roles:write (the route table). The rules (built-ins fixed, role in
// use, unknown permission, no granting what one lacks) are in the tenantd.*_role procedures behind
// the api.*_role endpoint functions; these handlers check and convert the input.
#include "api/roles.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

std::string role_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("role_not_found", "no such role in this tenant");
  return util::canonical_uuid(id);
}

bool has_field(const RequestContext& ctx, const char* name) {
  return ctx.has_json && ctx.json.FindMember(name) != ctx.json.MemberEnd();
}

}  // namespace

namespace roles {

// api.list_roles(ctx, limit, after)
std::vector<db::Arg> list(RequestContext& ctx) {
  return page_args(ctx);
}

// api.get_role(ctx, role_id)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {role_id_param(ctx)};
}

// api.create_role(ctx, name, description, permissions)
std::vector<db::Arg> create(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"name", "description", "permissions"});
  const std::string name = required_string(ctx, "name", 63);
  const auto description = optional_string(ctx, "description", 1000);
  if (!has_field(ctx, "permissions") || ctx.json["permissions"].IsNull()) {
    throw ApiError("missing_field", "field 'permissions' is required");
  }
  return {name, description, permission_list_field(ctx, "permissions")};
}

// api.update_role(ctx, role_id, set_description, description, permissions)
// PATCH {description?, permissions?}: absent = unchanged; description null clears it;
// permissions replaces the list.
std::vector<db::Arg> update(RequestContext& ctx) {
  const std::string id = role_id_param(ctx);
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"description", "permissions"});
  const bool set_description = has_field(ctx, "description");
  const auto description = optional_string(ctx, "description", 1000);  // null → nullopt → cleared
  const bool set_permissions = has_field(ctx, "permissions") && !ctx.json["permissions"].IsNull();
  db::Arg perms;
  if (set_permissions) perms = permission_list_field(ctx, "permissions");
  if (!set_description && !set_permissions) {
    throw ApiError("validation_failed", "nothing to change: give description or permissions");
  }
  return {id, set_description ? "true" : "false", description, perms};
}

// api.delete_role(ctx, role_id)
std::vector<db::Arg> remove(RequestContext& ctx) {
  return {role_id_param(ctx)};
}

}  // namespace roles

}  // namespace tenantd::api
