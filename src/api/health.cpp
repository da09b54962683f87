// /healthz, /readyz, /metrics: liveness, readiness component by component, Prometheus metrics.
#include "api/health.hpp"

#include <cstdio>
#include <pqxx/pqxx>

#include "db/migrator.hpp"
#include "db/pool.hpp"
#include "db/readiness.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

// A queued job older than this (due, not picked up) marks the queue degraded in /readyz.
constexpr double kQueueDegradedSeconds = 300;

std::string seconds_json(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

namespace health {

Response healthz(RequestContext&) {
  return {200, R"({"status":"ok"})"};
}

// Ready = the database answers and every migration on disk is applied. The workers and the job
// queue are reported too, but do not decide readiness: an HTTP process serves requests without
// workers (they may run elsewhere, WORKERS=0), and taking it out of a load balancer would not
// make a stuck queue move.
Response readyz(RequestContext& ctx) {
  int latest_on_disk = 0;
  try {
    for (const auto& f : db::scan_migrations(ctx.svc.config.migrations_dir)) latest_on_disk = f.version;
  } catch (const db::MigrationError&) {
    // No readable migrations directory next to the service: readiness is database only.
  }
  util::JsonOut c;  // the components object
  c.begin_object();
  bool database_ok = true;
  db::MigrationState state;
  try {
    state = db::migration_state(ctx.svc.pool);
    c.key("database").begin_object().str("status", "ok").end_object();
  } catch (const std::exception&) {
    database_ok = false;
    c.key("database")
        .begin_object()
        .str("status", "failing")
        .str("detail", "the database is not reachable")
        .end_object();
  }
  const bool migrations_ok = database_ok && state.applied_count > 0 && state.latest_applied >= latest_on_disk;
  c.key("migrations")
      .begin_object()
      .str("status", !database_ok    ? "unknown"
                     : migrations_ok ? "ok"
                                     : "failing");
  if (database_ok) c.integer("applied", state.latest_applied).integer("latest", latest_on_disk);
  c.end_object();
  std::optional<db::JobQueueHealth> queue;
  if (database_ok) {
    try {
      queue = db::job_queue_health(ctx.svc.pool);
    } catch (const std::exception&) {
      // reported as unknown below; the database part answered
    }
  }
  if (queue) {
    c.key("workers")
        .begin_object()
        .str("status", queue->workers_alive > 0 ? "ok" : "degraded")
        .integer("alive", queue->workers_alive)
        .end_object();
    c.key("job_queue")
        .begin_object()
        .str("status", queue->oldest_queued_seconds > kQueueDegradedSeconds ? "degraded" : "ok")
        .integer("queued", queue->queued)
        .integer("running", queue->running)
        .raw("oldest_queued_seconds", seconds_json(queue->oldest_queued_seconds))
        .end_object();
  } else {
    c.key("workers").begin_object().str("status", "unknown").end_object();
    c.key("job_queue").begin_object().str("status", "unknown").end_object();
  }
  c.end_object();
  const std::string components = c.take();
  if (!database_ok || !migrations_ok) {
    const std::string code = database_ok ? "migrations_pending" : "not_ready";
    const std::string detail = database_ok
                                   ? "database is at migration " + std::to_string(state.latest_applied) +
                                         ", files go to " + std::to_string(latest_on_disk)
                                   : "the database is not reachable";
    Response res{problem_status(code), problem_json(problem_status(code), code, detail, "/readyz",
                                                    ctx.request_id, R"({"components":)" + components + "}")};
    res.content_type = "application/problem+json";
    res.headers["Retry-After"] = database_ok ? "5" : "1";
    return res;
  }
  util::JsonOut j;
  j.begin_object()
      .str("status", "ready")
      .integer("migration", state.latest_applied)
      .raw("components", components)
      .end_object();
  return {200, j.take()};
}

// Prometheus text format: this process's request counters and pools, then the database's part
// (jobs, workers, provisioning, webhook events: tenantd.metric_samples). Without a database the
// process's part is still answered, with tenantd_database_up 0.
Response metrics_text(RequestContext& ctx) {
  std::string extra =
      "# HELP tenantd_db_pool_size Pooled database connections (DB_POOL_SIZE).\n"
      "# TYPE tenantd_db_pool_size gauge\n"
      "tenantd_db_pool_size " +
      std::to_string(ctx.svc.pool.size()) + "\n" +
      "# HELP tenantd_db_pool_in_use Pooled connections lent to requests right now.\n"
      "# TYPE tenantd_db_pool_in_use gauge\n"
      "tenantd_db_pool_in_use " +
      std::to_string(ctx.svc.pool.in_use()) + "\n" +
      "# HELP tenantd_db_pool_wait_seconds Time spent waiting for a pooled connection, by pool (app: "
      "requests; "
      "worker: webhook receipt, usage flushes).\n"
      "# TYPE tenantd_db_pool_wait_seconds histogram\n";
  ctx.svc.pool.wait_seconds().render(extra, "tenantd_db_pool_wait_seconds", "pool=\"app\"");
  if (ctx.svc.worker_pool)
    ctx.svc.worker_pool->wait_seconds().render(extra, "tenantd_db_pool_wait_seconds", "pool=\"worker\"");
  bool database_up = true;
  std::string database_part;
  try {
    database_part = render_database_samples(db::metric_samples(ctx.svc.pool));
  } catch (const std::exception&) {
    database_up = false;
  }
  extra +=
      "# HELP tenantd_database_up Whether this scrape could read the database's metrics (1) or not (0).\n"
      "# TYPE tenantd_database_up gauge\n"
      "tenantd_database_up " +
      std::string(database_up ? "1" : "0") + "\n" + database_part;
  Response res{200, metrics().render(extra)};
  res.content_type = "text/plain; version=0.0.4";
  return res;
}

}  // namespace health

}  // namespace tenantd::api
