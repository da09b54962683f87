#pragma once
#include <vector>

#include "db/api_call.hpp"
#include "http/request_context.hpp"

namespace tenantd::api::events {

std::vector<db::Arg> admin_stream(RequestContext& ctx);
std::vector<db::Arg> tenant_status_stream(RequestContext& ctx);

}  // namespace tenantd::api::events
