// POST /v1/tenants/{tenant}/purge: a platform operator purges a soft-deleted tenant now rather
// than after PURGE_GRACE_DAYS (docs/data-lifecycle.md). The body repeats the tenant's slug as a
// confirmation; api.purge_tenant compares it, checks the operator and that the tenant was
// deleted, and starts the 'tenant.purge' job.
#include "api/purge.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"

namespace tenantd::api::purge {

// api.purge_tenant(ctx, confirm)
std::vector<db::Arg> request(RequestContext& ctx) {
  if (!ctx.has_json)
    throw ApiError("body_required", "a JSON body {\"confirm\": \"<the tenant's slug>\"} is required");
  reject_unknown_fields(ctx, {"confirm"});
  auto it = ctx.json.FindMember("confirm");
  if (it == ctx.json.MemberEnd())
    throw ApiError("missing_field", "field 'confirm' (the tenant's slug) is required");
  if (!it->value.IsString()) throw ApiError("invalid_field_type", "field 'confirm' must be a string");
  return {std::string(it->value.GetString(), it->value.GetStringLength())};
}

}  // namespace tenantd::api::purge
