#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::tenant_status {

// Argument builders for GET /v1/tenant-status/{id} (api.tenant_status) and GET
// /v1/tenant-status (api.own_tenant_status).
std::vector<db::Arg> public_status(RequestContext& ctx);
std::vector<db::Arg> own_status(RequestContext& ctx);

}  // namespace tenantd::api::tenant_status
