#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::config {

// Argument builders for the /v1/config routes (api/route_table.cpp names the functions).
std::vector<db::Arg> list_all(RequestContext& ctx);
std::vector<db::Arg> list_type(RequestContext& ctx);
std::vector<db::Arg> put_entry(RequestContext& ctx);
std::vector<db::Arg> delete_entry(RequestContext& ctx);

}  // namespace tenantd::api::config
