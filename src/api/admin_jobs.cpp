// GET /v1/admin/jobs: the job queue for operators (super_admin), filters state and kind; POST
// /v1/admin/jobs/{id}/retry: a failed job queued again.
#include "api/admin_jobs.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"

namespace tenantd::api::admin_jobs {

// api.list_jobs(ctx, state, kind, before_id, limit)
std::vector<db::Arg> list_jobs(RequestContext& ctx) {
  if (!ctx.principal->is_super_admin()) throw ApiError("forbidden", "only a super_admin may list jobs");
  const int limit = page_limit(ctx);
  db::Arg state = ctx.query_value("state");
  if (state && state->empty()) state = std::nullopt;
  if (state && *state != "queued" && *state != "running" && *state != "completed" && *state != "failed") {
    throw ApiError("invalid_filter", "state must be queued, running, completed or failed");
  }
  db::Arg kind = ctx.query_value("kind");
  if (kind && kind->empty()) kind = std::nullopt;
  db::Arg before;
  if (auto c = ctx.query_value("cursor")) {
    before = decode_cursor(*c);
    if (before->empty() || before->size() > 18 ||
        before->find_first_not_of("0123456789") != std::string::npos) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
  }
  return {state, kind, before, std::to_string(limit)};
}

// api.retry_job(ctx, id)
std::vector<db::Arg> retry_job(RequestContext& ctx) {
  if (!ctx.principal->is_super_admin()) throw ApiError("forbidden", "only a super_admin may retry jobs");
  const std::string& id = *ctx.param("id");
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
    throw ApiError("not_found", "no such job");
  }
  return {id};
}

}  // namespace tenantd::api::admin_jobs
