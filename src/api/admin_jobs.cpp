// GET /v1/admin/jobs: the job queue for operators (super_admin), filters state and kind.
#include "api/input.hpp"
#include "api/page.hpp"
#include "api/admin_jobs.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

}  // namespace

namespace admin_jobs {

Response list_jobs(RequestContext& ctx) {
  if (!ctx.principal->is_super_admin()) throw ApiError("forbidden", "only a super_admin may list jobs");
  const int limit = page_limit(ctx);
  const std::string state = ctx.query_value("state").value_or("");
  if (!state.empty() && state != "queued" && state != "running" && state != "completed" &&
      state != "failed") {
    throw ApiError("invalid_filter", "state must be queued, running, completed or failed");
  }
  const std::string kind = ctx.query_value("kind").value_or("");
  std::string before;
  if (auto c = ctx.query_value("cursor")) {
    before = decode_cursor(*c);
    if (before.empty() || before.size() > 18 || before.find_first_not_of("0123456789") != std::string::npos) {
      throw ApiError("invalid_cursor", "the cursor is not one this service issued");
    }
  }
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  auto r = tx.exec_prepared("admin_jobs_list", state, kind, before, limit + 1);
  tx.commit();
  auto write_row = [](util::JsonOut& j, const pqxx::row& row) {
    j.begin_object()
        .integer("id", row[0].as<int64_t>())
        .str("kind", row[1].c_str())
        .str("state", row[2].c_str())
        .integer("attempts", row[3].as<int>())
        .integer("max_attempts", row[4].as<int>())
        .str("run_at", row[5].c_str())
        .str_or_null("last_error", row[6].is_null() ? nullptr : row[6].c_str())
        .raw("payload", row[7].c_str())
        .str("created_at", row[8].c_str())
        .str_or_null("completed_at", row[9].is_null() ? nullptr : row[9].c_str())
        .end_object();
  };
  return page_response(r, limit, write_row,
                       [](const pqxx::row& last) { return std::string(last[0].c_str()); });
}

}  // namespace admin_jobs

void add_admin_jobs_statements() {
  using db::ts;
  db::add_statements({
      {"admin_jobs_list",
       "select id, kind, state, attempts, max_attempts, " + ts("run_at") + ", last_error, payload::text, " +
           ts("created_at") + ", " + ts("completed_at") +
           " from tenantd.list_jobs(nullif($1, ''), nullif($2, ''), nullif($3, '')::bigint, $4::int)"},
  });
}


}  // namespace tenantd::api
