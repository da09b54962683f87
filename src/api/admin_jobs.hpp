#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::admin_jobs {

// Argument builder for GET /v1/admin/jobs (api.list_jobs).
std::vector<db::Arg> list_jobs(RequestContext& ctx);

}  // namespace tenantd::api::admin_jobs
