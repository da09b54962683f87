#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_audit_log_statements();

namespace audit_log {
Response list_audit_log(RequestContext& ctx);
}  // namespace audit_log

}  // namespace tenantd::api
