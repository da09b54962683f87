#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_tenant_status_statements();

namespace tenant_status {
Response public_status(RequestContext& ctx);
Response own_status(RequestContext& ctx);
}  // namespace tenant_status

}  // namespace tenantd::api
