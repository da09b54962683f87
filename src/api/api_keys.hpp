#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::api_keys {

// Argument builders for the /v1/api-keys routes (api/route_table.cpp names the functions).
std::vector<db::Arg> create(RequestContext& ctx);
std::vector<db::Arg> list(RequestContext& ctx);
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> revoke(RequestContext& ctx);
std::vector<db::Arg> rotate(RequestContext& ctx);

}  // namespace tenantd::api::api_keys
