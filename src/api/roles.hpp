#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::roles {

// Argument builders for the /v1/roles routes (api/route_table.cpp names the functions).
std::vector<db::Arg> list(RequestContext& ctx);
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> create(RequestContext& ctx);
std::vector<db::Arg> update(RequestContext& ctx);
std::vector<db::Arg> remove(RequestContext& ctx);

}  // namespace tenantd::api::roles
