#include "jobs/worker.hpp"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "db/job_queue.hpp"
#include "db/retry_rolled_back.hpp"
#include "http/problem_table.hpp"
#include "jobs/handlers.hpp"
#include "util/json_escape.hpp"

namespace tenantd::jobs {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
struct Handlers {
  JobHandler run;
  FailureHandler on_failure;
};

std::map<std::string, Handlers>& registry() {
  static std::map<std::string, Handlers> r;
  return r;
}

Handlers find_handler(const std::string& kind) {
  std::lock_guard<std::mutex> lk(registry_mutex());
  auto it = registry().find(kind);
  return it == registry().end() ? Handlers() : it->second;
}

// LISTEN needs a receiver object in libpqxx 6; the notification itself only wakes the loop.
class Wakeup : public pqxx::notification_receiver {
 public:
  explicit Wakeup(pqxx::connection_base& c) : pqxx::notification_receiver(c, "tenantd_jobs") {}
  void operator()(const std::string&, int) override {}
};

// The heartbeat for /readyz. A refused beat (a database not yet migrated to the heartbeat
// function during a rolling deploy) is logged and the worker goes on working: readiness reporting
// must never stop the jobs. A broken connection still ends the loop's connection as usual.
void beat(pqxx::connection& conn, const std::string& worker_id, bool alive) {
  try {
    db::job_queue::heartbeat(conn, worker_id, alive);
  } catch (const pqxx::sql_error& e) {
    spdlog::warn("\"msg\":\"worker heartbeat refused\",\"worker\":\"{}\",\"error\":\"{}\"", worker_id,
                 util::json_escape(e.what()));
  }
}

}  // namespace

void register_handler(const std::string& kind, JobHandler handler, FailureHandler on_failure) {
  std::lock_guard<std::mutex> lk(registry_mutex());
  registry()[kind] = Handlers{std::move(handler), std::move(on_failure)};
}

void register_builtin_handlers() {
  register_provisioning_handlers();
  register_webhook_handlers();
  register_retention_handlers();
  register_handler("sessions.cleanup",
                   [](pqxx::work& tx, const Job&) { db::job_queue::cleanup_sessions(tx); });
  // The daily usage sample (users_count, storage_rows, storage_bytes), scheduled with the
  // maintenance sweep; payload {"day": "YYYY-MM-DD"}, the UTC day it samples for.
  register_handler("usage.snapshot", [](pqxx::work& tx, const Job& job) {
    rapidjson::Document d;
    d.Parse(job.payload.c_str());
    std::string day;
    if (!d.HasParseError() && d.IsObject() && d.HasMember("day") && d["day"].IsString()) {
      day = d["day"].GetString();
    }
    db::job_queue::snapshot_usage(tx, day);
  });
  // Hourly housekeeping (scheduled by the workers themselves, see schedule_maintenance).
  register_handler("maintenance.sweep", [](pqxx::work& tx, const Job& job) {
    // payload {"webhook_retention_days": N} comes from the scheduling worker's configuration
    int webhook_days = 30;
    rapidjson::Document d;
    d.Parse(job.payload.c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember("webhook_retention_days") &&
        d["webhook_retention_days"].IsInt()) {
      webhook_days = std::max(1, d["webhook_retention_days"].GetInt());
    }
    db::job_queue::sweep(tx, webhook_days);
    enqueue_due_purges(tx);
  });
}

void schedule_maintenance(pqxx::connection& conn, int webhook_retention_days) {
  db::job_queue::schedule_maintenance(conn, webhook_retention_days);
}

WorkerPool::WorkerPool(WorkerOptions opt) : opt_(std::move(opt)) {}
WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::start() {
  for (int i = 0; i < opt_.threads; ++i) threads_.emplace_back([this, i] { loop(i); });
}

void WorkerPool::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool WorkerPool::run_one(pqxx::connection& conn, const std::string& worker_id, const WorkerOptions& opt) {
  Job job;
  {
    auto claimed = db::job_queue::claim(conn, worker_id, opt.lease_seconds);
    if (!claimed) return false;
    job.id = claimed->id;
    job.kind = claimed->kind;
    job.payload = claimed->payload;
    job.attempts = claimed->attempts;
    job.max_attempts = claimed->max_attempts;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::string error;
  try {
    // A deadlock or serialization failure rolled the whole run back: run it again at once
    // rather than spend one of the job's attempts on it (db/retry_rolled_back.hpp)
    const bool lost_lease = db::retry_rolled_back(
        3,
        [&] {
          pqxx::work tx(conn);
          if (!db::job_queue::lock(tx, job.id, worker_id)) return true;
          Handlers handlers = find_handler(job.kind);
          if (!handlers.run) throw std::runtime_error("no handler for job kind " + job.kind);
          handlers.run(tx, job);
          db::job_queue::complete(tx, job.id, worker_id);
          db::job_queue::observe_job(
              tx, job.kind, "completed",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
          tx.commit();
          return false;
        },
        [&](int attempt) {
          spdlog::warn(
              "\"msg\":\"job rolled back by the database, running it again\",\"job\":{},\"kind\":\"{}\","
              "\"run\":{}",
              job.id, job.kind, attempt);
        });
    if (lost_lease) {
      // Our lease ran out and another worker took the job: leave it to them.
      spdlog::warn("\"msg\":\"job lost its lease\",\"job\":{},\"kind\":\"{}\"", job.id, job.kind);
      return true;
    }
  } catch (const pqxx::broken_connection&) {
    throw;  // the lease expires and another worker retries it
  } catch (const pqxx::sql_error& e) {
    // Our procedures raise a TDxxx SQLSTATE per problem: record its problem code with the
    // message, so an operator reads "unknown_organization: …" rather than a bare SQLSTATE.
    error = e.what();
    if (e.sqlstate().rfind("TD", 0) == 0) {
      if (error.rfind("ERROR:  ", 0) == 0) error = error.substr(8);
      error = std::string(problem_for_sqlstate(e.sqlstate()).code) + ": " + error;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  if (error.empty()) {
    spdlog::info("\"msg\":\"job completed\",\"job\":{},\"kind\":\"{}\",\"attempt\":{},\"duration_ms\":{}",
                 job.id, job.kind, job.attempts, ms);
    return true;
  }
  pqxx::work fail(conn);
  if (!db::job_queue::lock(fail, job.id, worker_id)) {
    return true;  // lease lost meanwhile: the new owner records its own outcome
  }
  if (auto on_failure = find_handler(job.kind).on_failure) {
    on_failure(fail, job, error, job.attempts >= job.max_attempts);
  }
  const std::string state = db::job_queue::fail(fail, job.id, worker_id, error, opt.backoff_base_ms);
  // 'retried' when the queue takes the job again, 'failed' when it gave up
  if (!state.empty())
    db::job_queue::observe_job(fail, job.kind, state == "failed" ? "failed" : "retried", ms / 1000.0);
  fail.commit();
  spdlog::warn(
      "\"msg\":\"job failed\",\"job\":{},\"kind\":\"{}\",\"attempt\":{},\"state\":\"{}\",\"error\":\"{}\"",
      job.id, job.kind, job.attempts, state, util::json_escape(error));
  return true;
}

void WorkerPool::loop(int index) {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  const std::string worker_id =
      std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(index);
  while (!stop_) {
    try {
      pqxx::connection conn(opt_.database_url);
      Wakeup wakeup(conn);
      auto next_schedule = std::chrono::steady_clock::now();
      auto next_beat = std::chrono::steady_clock::now();
      while (!stop_) {
        // a sign of life for /readyz every 10 s (tenantd.job_queue_health counts 60 s)
        if (std::chrono::steady_clock::now() >= next_beat) {
          beat(conn, worker_id, true);
          next_beat = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        }
        if (index == 0 && std::chrono::steady_clock::now() >= next_schedule) {
          schedule_maintenance(conn, opt_.webhook_retention_days);
          next_schedule = std::chrono::steady_clock::now() + std::chrono::minutes(10);
        }
        if (run_one(conn, worker_id, opt_)) continue;
        // Nothing due: sleep until a NOTIFY or the polling interval, whichever comes first
        // (the poll also catches jobs whose run_at or lease has just passed).
        conn.await_notification(opt_.poll_ms / 1000, (opt_.poll_ms % 1000) * 1000);
      }
      beat(conn, worker_id, false);  // a clean stop: no longer alive
    } catch (const std::exception& e) {
      spdlog::error("\"msg\":\"worker error\",\"worker\":\"{}\",\"error\":\"{}\"", worker_id,
                    util::json_escape(e.what()));
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace tenantd::jobs
