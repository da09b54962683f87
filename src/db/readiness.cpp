#include "db/readiness.hpp"

namespace tenantd::db {

namespace {

// One read-only statement on a pooled connection; a broken connection is marked for reconnect.
template <typename F>
auto with_connection(ConnectionPool& pool, F f) {
  auto lease = pool.acquire();
  try {
    pqxx::nontransaction tx(lease.conn());
    return f(tx);
  } catch (const pqxx::broken_connection&) {
    lease.mark_broken();
    throw;
  }
}

}  // namespace

MigrationState migration_state(ConnectionPool& pool) {
  return with_connection(pool, [](pqxx::nontransaction& tx) {
    auto r = tx.exec("select coalesce(max(version), 0), count(*) from tenantd_migrations.history");
    return MigrationState{r[0][0].as<int>(), r[0][1].as<int>()};
  });
}

JobQueueHealth job_queue_health(ConnectionPool& pool) {
  return with_connection(pool, [](pqxx::nontransaction& tx) {
    auto r = tx.exec(
        "select workers_alive, queued, running, oldest_queued_seconds from tenantd.job_queue_health()");
    return JobQueueHealth{r[0][0].as<int>(), r[0][1].as<long long>(), r[0][2].as<long long>(),
                          r[0][3].as<double>()};
  });
}

std::vector<MetricSample> metric_samples(ConnectionPool& pool) {
  return with_connection(pool, [](pqxx::nontransaction& tx) {
    std::vector<MetricSample> out;
    for (const auto& row : tx.exec("select name, labels::text, value from tenantd.metric_samples()")) {
      out.push_back({row[0].c_str(), row[1].c_str(), row[2].as<double>()});
    }
    return out;
  });
}

}  // namespace tenantd::db
