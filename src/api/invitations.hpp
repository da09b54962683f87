#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::invitations {

// Argument builders for the /v1/invitations routes (api/route_table.cpp names the functions).
std::vector<db::Arg> create(RequestContext& ctx);
std::vector<db::Arg> list(RequestContext& ctx);
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> revoke(RequestContext& ctx);

// Routes that answer by themselves (docs/architecture.md lists why): bulk maps per-entry
// SQLSTATEs through the problem table; accept hashes a password between two calls.
Response create_bulk(RequestContext& ctx);
Response accept(RequestContext& ctx);

}  // namespace tenantd::api::invitations
