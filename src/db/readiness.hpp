#pragma once
#include <string>
#include <vector>

#include "db/pool.hpp"

namespace tenantd::db {

struct MigrationState {
  int latest_applied = 0;
  int applied_count = 0;
};

// The migration history as the service sees it (GET /readyz): one statement on a pooled
// connection. Throws when the database cannot be reached.
MigrationState migration_state(ConnectionPool& pool);

// tenantd.job_queue_health(): the queue and its workers, numbers only (GET /readyz).
struct JobQueueHealth {
  int workers_alive = 0;
  long long queued = 0;
  long long running = 0;
  double oldest_queued_seconds = 0;
};
JobQueueHealth job_queue_health(ConnectionPool& pool);

// tenantd.metric_samples(): the database's part of /metrics. labels_json is a JSON object of
// label name -> text value.
struct MetricSample {
  std::string name;
  std::string labels_json;
  double value = 0;
};
std::vector<MetricSample> metric_samples(ConnectionPool& pool);

}  // namespace tenantd::db
