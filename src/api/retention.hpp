#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::retention {

// GET /v1/retention, /v1/tenants/{tenant}/retention (api.get_retention)
std::vector<db::Arg> get(RequestContext& ctx);
// PUT /v1/retention, /v1/tenants/{tenant}/retention (api.put_retention): days per kind of data.
std::vector<db::Arg> put(RequestContext& ctx);

}  // namespace tenantd::api::retention
