#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::audit_log {

// Argument builder for GET /v1/audit-log (api/route_table.cpp names the function).
std::vector<db::Arg> list(RequestContext& ctx);

}  // namespace tenantd::api::audit_log
