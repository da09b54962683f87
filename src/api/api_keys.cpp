// /v1/api-keys: a tenant's API keys. The handlers check and convert the input; the functions
// (sql/75–76) make the key (in the database, so it is never a bind parameter), store its
// SHA-256, answer the key once, list, revoke and rotate. Requests made with a key are
// authenticated by the dispatcher (Bearer tdk_…) and resolved by tenantd.enter.
#include "api/api_keys.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::api_keys {
namespace {

constexpr int kDefaultGraceSeconds = 86400;
constexpr int kMaxGraceSeconds = 7 * 86400;

// An id that is not a uuid names no key; the permission check (tenantd.enter) still comes
// first, so it is sent as the nil uuid rather than refused here.
std::string key_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  return util::is_uuid(id) ? util::canonical_uuid(id) : std::string("00000000-0000-0000-0000-000000000000");
}

}  // namespace

// api.create_api_key(ctx, name, permissions, expires_at)
std::vector<db::Arg> create(RequestContext& ctx) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"name", "permissions", "expires_at"});
  const std::string name = required_string(ctx, "name", 100);
  const std::string permissions = permission_list_field(ctx, "permissions");
  // parsed by tenantd.parse_rfc3339 (invalid_timestamp) and checked to be in the future there
  db::Arg expires_at;
  if (auto e = optional_string(ctx, "expires_at", 64)) expires_at = *e;
  return {name, permissions, expires_at};
}

// api.list_api_keys(ctx, limit, after)
std::vector<db::Arg> list(RequestContext& ctx) {
  return page_args(ctx);
}

// api.get_api_key(ctx, id)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {key_id_param(ctx)};
}

// api.revoke_api_key(ctx, id)
std::vector<db::Arg> revoke(RequestContext& ctx) {
  return {key_id_param(ctx)};
}

// api.rotate_api_key(ctx, id, grace_seconds): the body is optional ({} or none: one day)
std::vector<db::Arg> rotate(RequestContext& ctx) {
  int grace = kDefaultGraceSeconds;
  if (ctx.has_json) {
    reject_unknown_fields(ctx, {"grace_seconds"});
    auto it = ctx.json.FindMember("grace_seconds");
    if (it != ctx.json.MemberEnd() && !it->value.IsNull()) {
      if (!it->value.IsInt())
        throw ApiError("invalid_field_type", "field 'grace_seconds' must be an integer");
      grace = it->value.GetInt();
      if (grace < 0 || grace > kMaxGraceSeconds)
        throw ApiError("validation_failed", "grace_seconds must be 0 to 604800 (7 days)");
    }
  }
  return {key_id_param(ctx), std::to_string(grace)};
}

}  // namespace tenantd::api::api_keys
