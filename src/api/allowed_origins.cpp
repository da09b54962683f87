// /v1/allowed-origins: the browser origins a tenant lets call the API (CORS, http/cors.hpp). The
// handler checks the body and normalises every origin (util/origin.hpp) to the form browsers send;
// api.put_allowed_origins replaces the list, audits it, and the table repeats the shape check.
#include "api/allowed_origins.hpp"

#include <algorithm>

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/json_escape.hpp"
#include "util/origin.hpp"

namespace tenantd::api::allowed_origins {

// The most origins a tenant may list; api.put_allowed_origins repeats it.
constexpr rapidjson::SizeType kMaxOrigins = 50;

// api.get_allowed_origins(ctx)
std::vector<db::Arg> get(RequestContext&) {
  return {};
}

// api.put_allowed_origins(ctx, origins)
std::vector<db::Arg> put(RequestContext& ctx) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body {\"origins\": [...]} is required");
  reject_unknown_fields(ctx, {"origins"});
  auto it = ctx.json.FindMember("origins");
  if (it == ctx.json.MemberEnd()) throw ApiError("missing_field", "field 'origins' is required (an array)");
  if (!it->value.IsArray())
    throw ApiError("invalid_field_type", "field 'origins' must be an array of strings");
  const auto& arr = it->value.GetArray();
  if (arr.Size() > kMaxOrigins) {
    throw ApiError("too_many_entries", "a tenant may allow at most " + std::to_string(kMaxOrigins) +
                                           " origins, " + std::to_string(arr.Size()) + " were given");
  }
  std::vector<std::string> seen;
  std::string json = "[";
  for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
    const std::string at = "origins[" + std::to_string(i) + "]";
    if (!arr[i].IsString()) throw ApiError("invalid_field_type", at + " must be a string");
    const util::OriginResult o =
        util::normalize_origin(std::string(arr[i].GetString(), arr[i].GetStringLength()));
    if (!o.ok()) throw ApiError("invalid_origin", at + ": " + o.error);
    if (std::find(seen.begin(), seen.end(), o.origin) != seen.end()) {
      throw ApiError("validation_failed", at + " (" + o.origin + ") is listed more than once");
    }
    seen.push_back(o.origin);
    json += (i ? ",\"" : "\"") + util::json_escape(o.origin) + "\"";
  }
  return {json + "]"};
}

}  // namespace tenantd::api::allowed_origins
