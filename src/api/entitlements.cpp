// /v1/entitlements: what a tenant's plan (with its overrides) allows. The effective entitlements
// are one SQL function (tenantd.effective_entitlements); the keys and values of an override are
// checked in SQL (tenantd.check_entitlement_overrides), so psql users get the same rules. The
// handlers check the body's shape and pass its objects on as JSON text.
#include "api/entitlements.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api/input.hpp"
#include "http/problem.hpp"

namespace tenantd::api::entitlements {

namespace {

// The body member `field` as JSON text: an object, or "{}" when absent (no overrides).
std::string object_member(const RequestContext& ctx, const char* field) {
  auto it = ctx.json.FindMember(field);
  if (it == ctx.json.MemberEnd()) return "{}";
  if (!it->value.IsObject()) {
    throw ApiError("invalid_field_type", std::string("field '") + field + "' must be a JSON object");
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  it->value.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

// api.get_entitlements(ctx)
std::vector<db::Arg> get(RequestContext&) {
  return {};
}

// api.put_entitlements(ctx, limits, features, reason)
std::vector<db::Arg> put(RequestContext& ctx) {
  if (!ctx.has_json) {
    throw ApiError("body_required",
                   "a JSON body {\"limits\": {…}, \"features\": {…}, \"reason\": …} is required");
  }
  reject_unknown_fields(ctx, {"limits", "features", "reason"});
  db::Arg reason = optional_string(ctx, "reason", 1000);
  return {object_member(ctx, "limits"), object_member(ctx, "features"), reason};
}

}  // namespace tenantd::api::entitlements
