#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::admin_jobs {

// Argument builder for GET /v1/admin/jobs (api.list_jobs).
std::vector<db::Arg> list_jobs(RequestContext& ctx);
// POST /v1/admin/jobs/{id}/retry (api.retry_job).
std::vector<db::Arg> retry_job(RequestContext& ctx);

}  // namespace tenantd::api::admin_jobs
