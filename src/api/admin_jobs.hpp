#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_admin_jobs_statements();

namespace admin_jobs {
Response list_jobs(RequestContext& ctx);
}  // namespace admin_jobs

}  // namespace tenantd::api
