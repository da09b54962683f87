#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::allowed_origins {

// Argument builders for /v1/allowed-origins (api/route_table.cpp names the functions).
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> put(RequestContext& ctx);

}  // namespace tenantd::api::allowed_origins
