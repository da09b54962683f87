#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_tenants_statements();

namespace tenants {
Response create_tenant(RequestContext& ctx);
Response list_tenants(RequestContext& ctx);
Response tenant_stats(RequestContext& ctx);
Response get_tenant(RequestContext& ctx);
Response patch_tenant(RequestContext& ctx);
Response activate_tenant(RequestContext& ctx);
Response suspend_tenant(RequestContext& ctx);
Response reprovision_tenant(RequestContext& ctx);
Response delete_tenant(RequestContext& ctx);
}  // namespace tenants

}  // namespace tenantd::api
