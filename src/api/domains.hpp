#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::domains {

// Argument builders for the /v1/domains routes (api/route_table.cpp names the functions).
std::vector<db::Arg> create(RequestContext& ctx);
std::vector<db::Arg> list(RequestContext& ctx);
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> verify(RequestContext& ctx);
std::vector<db::Arg> remove(RequestContext& ctx);
// GET /v1/domains/allowed?domain=…: the on-demand TLS ask (public)
std::vector<db::Arg> allowed(RequestContext& ctx);

}  // namespace tenantd::api::domains
