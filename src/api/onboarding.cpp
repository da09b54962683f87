// /v1/onboarding: ordered onboarding steps. Completion, idempotence and the automatic tenant
// activation are SQL (api.complete_onboarding_step); the handlers shape the answers.
#include "api/onboarding.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

// Columns: key, title, position, required, completed_at.
void write_step(util::JsonOut& j, const pqxx::row& row) {
  j.begin_object()
      .str("key", row[0].c_str())
      .str("title", row[1].c_str())
      .integer("position", row[2].as<int64_t>())
      .boolean("required", row[3].as<bool>())
      .str_or_null("completed_at", row[4].is_null() ? nullptr : row[4].c_str())
      .end_object();
}

void write_progress(util::JsonOut& j, const pqxx::row& progress) {
  j.integer("progress_percent", progress[0].as<int64_t>()).boolean("completed", progress[1].as<bool>());
}

}  // namespace

namespace onboarding {

Response get_onboarding(RequestContext& ctx) {
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto steps = tx.exec_prepared("onboarding_steps");
  auto progress = tx.exec_prepared("onboarding_progress");
  if (progress.size() != 1) throw std::runtime_error("onboarding_progress returned no row");
  tx.commit();
  util::JsonOut j;
  j.begin_object().begin_array("steps");
  for (const auto& row : steps) write_step(j, row);
  j.end_array();
  write_progress(j, progress[0]);
  j.end_object();
  return {200, j.take()};
}

Response complete_step(RequestContext& ctx) {
  const std::string& key = *ctx.param("key");
  // The setting decides whether completing the last required step activates the tenant; the
  // procedure does the rest in this same transaction.
  const char* auto_activate = ctx.svc.config.onboarding_auto_activate ? "true" : "false";
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("onboarding_complete", key, auto_activate);
  if (r.size() != 1)
    throw std::runtime_error("complete_onboarding_step returned " + std::to_string(r.size()) + " rows");
  auto progress = tx.exec_prepared("onboarding_progress");
  if (progress.size() != 1) throw std::runtime_error("onboarding_progress returned no row");
  tx.commit();
  util::JsonOut j;
  j.begin_object().key("step");
  write_step(j, r[0]);
  write_progress(j, progress[0]);
  j.boolean("tenant_activated", r[0][5].as<bool>());
  j.end_object();
  return {200, j.take()};
}

}  // namespace onboarding

void add_onboarding_statements() {
  using db::ts;
  db::add_statements({
      {"onboarding_steps", "select key, title, position, required, " + ts("completed_at") +
                               " from tenantd.onboarding_steps order by position, key"},
      {"onboarding_progress", "select progress_percent, completed from api.onboarding_progress()"},
      {"onboarding_complete", "select key, title, step_position, required, " + ts("completed_at") +
                                  ", tenant_activated from api.complete_onboarding_step($1, $2::boolean)"},
  });
}


}  // namespace tenantd::api
