#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::entitlements {

// GET /v1/entitlements, /v1/tenants/{tenant}/entitlements (api.get_entitlements)
std::vector<db::Arg> get(RequestContext& ctx);
// PUT /v1/tenants/{tenant}/entitlements (api.put_entitlements): a platform operator replaces the
// tenant's plan overrides.
std::vector<db::Arg> put(RequestContext& ctx);

}  // namespace tenantd::api::entitlements
