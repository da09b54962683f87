#pragma once
#include <chrono>
#include <pqxx/except>
#include <thread>

namespace tenantd::db {

// Runs `work`, one whole transaction (it opens, does and commits its own), again when the
// database rolled it back for a deadlock or a serialization failure, up to `attempts` runs in
// all, after a pause that grows with each run (50 ms, 100 ms, …). A rolled-back transaction
// left nothing behind, so the next run starts as the first did; what `work` does outside the
// database (a DNS query, a webhook delivery) happens again, as when the job queue retries.
// A statement whose completion is unknown is not run again. on_retry(attempt) is called before
// each new run, to say so in the log.
// Deadlocks are rare on one node; on Citus, writes to reference tables linked by foreign keys
// take Citus's locks in an order that deadlocks now and then, and the distributed deadlock
// detector cancels one side (docs/scale-out.md, "Deadlocks between reference tables").
template <typename Work, typename OnRetry>
auto retry_rolled_back(int attempts, Work&& work, OnRetry&& on_retry) -> decltype(work()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const pqxx::deadlock_detected&) {
      if (attempt >= attempts) throw;
    } catch (const pqxx::serialization_failure&) {
      if (attempt >= attempts) throw;
    }
    on_retry(attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
}

}  // namespace tenantd::db
