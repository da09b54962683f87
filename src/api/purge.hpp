#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::purge {

// POST /v1/tenants/{tenant}/purge {"confirm": "<slug>"}: api.purge_tenant(ctx, confirm).
std::vector<db::Arg> request(RequestContext& ctx);

}  // namespace tenantd::api::purge
