// /v1/retention: how long a tenant keeps its audit log, ended invitations, ended sessions and
// usage detail (docs/data-lifecycle.md). The kinds, the plan's bounds and the clamping are SQL
// (api.put_retention, tenantd.retention_policy), so psql users get the same rules; the handler
// checks that a body is there and passes the object on as JSON text.
#include "api/retention.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/problem.hpp"

namespace tenantd::api::retention {

// api.get_retention(ctx)
std::vector<db::Arg> get(RequestContext&) {
  return {};
}

// api.put_retention(ctx, retention)
std::vector<db::Arg> put(RequestContext& ctx) {
  if (!ctx.has_json) {
    throw ApiError(
        "body_required",
        "a JSON body of days per kind of data is required, e.g. {\"audit_log\": 180, \"sessions\": null}");
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  ctx.json.Accept(w);
  return {std::string(sb.GetString(), sb.GetSize())};
}

}  // namespace tenantd::api::retention
