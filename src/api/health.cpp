// /healthz, /readyz: liveness and readiness.
#include "api/health.hpp"

#include <pqxx/pqxx>

#include "db/migrator.hpp"
#include "db/pool.hpp"
#include "db/readiness.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {}  // namespace

namespace health {

Response healthz(RequestContext&) {
  return {200, R"({"status":"ok"})"};
}

// Ready = the database answers and every migration on disk is applied.
Response readyz(RequestContext& ctx) {
  int latest_on_disk = 0;
  try {
    for (const auto& f : db::scan_migrations(ctx.svc.config.migrations_dir)) latest_on_disk = f.version;
  } catch (const db::MigrationError&) {
    // No readable migrations directory next to the service: readiness is database only.
  }
  int applied = 0;
  int count = 0;
  try {
    const auto state = db::migration_state(ctx.svc.pool);
    applied = state.latest_applied;
    count = state.applied_count;
  } catch (const std::exception&) {
    throw ApiError("not_ready", "the database is not reachable", {{"Retry-After", "1"}});
  }
  if (applied < latest_on_disk || count == 0) {
    throw ApiError("migrations_pending",
                   "database is at migration " + std::to_string(applied) + ", files go to " +
                       std::to_string(latest_on_disk),
                   {{"Retry-After", "5"}});
  }
  util::JsonOut j;
  j.begin_object().str("status", "ready").integer("migration", applied).end_object();
  return {200, j.take()};
}

// Prometheus text format: request counters plus the pool's gauges.
Response metrics_text(RequestContext& ctx) {
  std::string extra =
      "# HELP tenantd_db_pool_size Pooled database connections (DB_POOL_SIZE).\n"
      "# TYPE tenantd_db_pool_size gauge\n"
      "tenantd_db_pool_size " +
      std::to_string(ctx.svc.pool.size()) + "\n" +
      "# HELP tenantd_db_pool_in_use Pooled connections lent to requests right now.\n"
      "# TYPE tenantd_db_pool_in_use gauge\n"
      "tenantd_db_pool_in_use " +
      std::to_string(ctx.svc.pool.in_use()) + "\n";
  Response res{200, metrics().render(extra)};
  res.content_type = "text/plain; version=0.0.4";
  return res;
}

}  // namespace health

}  // namespace tenantd::api
