// /v1/users: members of the current tenant. Who may do what is decided in SQL (the memberships
// policies and the procedures behind api.*_member); these handlers check and convert the
// input into the arguments of their route's api.* function (api/route_table.cpp).
#include "api/users.hpp"

#include "api/input.hpp"
#include "auth/password.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

// `q` is matched as a substring with ILIKE: its own % _ and \ are literal characters.
std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

std::string user_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("user_not_found", "no such user in this tenant");
  return util::canonical_uuid(id);
}

}  // namespace

namespace users {

// api.list_members(ctx, limit, after, role, q)
std::vector<db::Arg> list(RequestContext& ctx) {
  const int limit = page_limit(ctx);
  db::Arg after;
  if (auto c = ctx.query_value("cursor")) {
    const std::string key = decode_cursor(*c);
    if (!util::is_uuid(key)) throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    after = util::canonical_uuid(key);
  }
  db::Arg role;
  if (auto v = ctx.query_value("role")) {
    if (!is_role_name(*v)) {
      throw ApiError("invalid_filter", "role must be a role name (a-z, 0-9, _; at most 63 characters)");
    }
    role = *v;
  }
  db::Arg pattern;
  if (auto v = ctx.query_value("q")) {
    if (v->empty() || v->size() > 200) throw ApiError("invalid_filter", "q must be 1 to 200 characters");
    pattern = like_pattern(*v);
  }
  return {std::to_string(limit), after, role, pattern};
}

// api.get_member(ctx, user_id)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {user_id_param(ctx)};
}

// api.create_member(ctx, email, role, display_name, password_hash, max_tenants)
std::vector<db::Arg> create(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"email", "role", "display_name", "password"});
  const std::string email = required_string(ctx, "email", 254);
  const std::string role = required_string(ctx, "role", 63);
  const auto display_name = optional_string(ctx, "display_name", 200);
  const auto password = optional_string(ctx, "password", 1024);
  // Cheap refusal before the slow KDF for the built-in roles that never hold members:write;
  // the database decides authoritatively for every role (the route needs members:write).
  const auto& p = *ctx.principal;
  if (p.role == "member" || p.role == "read_only") {
    throw ApiError("forbidden", "adding members needs the members:write permission");
  }
  db::Arg hash;
  if (password) {
    if (password->size() < 8) throw ApiError("validation_failed", "password must be at least 8 characters");
    hash = auth::hash_password(*password);
  }
  return {email, role, display_name, hash, std::to_string(ctx.svc.config.max_tenants_per_user)};
}

// api.update_member(ctx, user_id, role, disabled, set_display_name, display_name)
// PATCH {role?, display_name?, disabled?}: absent = unchanged; display_name null clears it.
std::vector<db::Arg> update(RequestContext& ctx) {
  const std::string id = user_id_param(ctx);
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"role", "display_name", "disabled"});
  db::Arg role;
  if (auto v = optional_string(ctx, "role", 63)) {
    if (!is_role_name(*v)) throw ApiError("unknown_role", "role must be one of the tenant's roles");
    role = *v;
  }
  bool set_display_name = false;
  db::Arg display_name;
  if (auto it = ctx.json.FindMember("display_name"); it != ctx.json.MemberEnd()) {
    set_display_name = true;
    if (!it->value.IsNull()) display_name = optional_string(ctx, "display_name", 200);
  }
  db::Arg disabled;
  if (auto it = ctx.json.FindMember("disabled"); it != ctx.json.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsBool()) throw ApiError("invalid_field_type", "field 'disabled' must be a boolean");
    disabled = it->value.GetBool() ? "true" : "false";
  }
  if (!role && !set_display_name && !disabled) {
    throw ApiError("validation_failed", "nothing to change: give role, display_name or disabled");
  }
  return {id, role, disabled, set_display_name ? "true" : "false", display_name};
}

// api.delete_member(ctx, user_id)
std::vector<db::Arg> remove(RequestContext& ctx) {
  return {user_id_param(ctx)};
}

}  // namespace users

}  // namespace tenantd::api
