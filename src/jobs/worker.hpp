#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "util/dns.hpp"

namespace tenantd::jobs {

struct Job {
  int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON object text
  int attempts = 0;
  int max_attempts = 0;
};

// A job's work runs inside `tx`, the same transaction that marks the job completed: the
// effect and "done" commit together or not at all. Throwing fails the attempt.
using JobHandler = std::function<void(pqxx::work& tx, const Job& job)>;

// Runs when an attempt failed, in the transaction that records the failure (the work's own
// transaction has rolled back): e.g. a tenant records status 'failed' with the error.
// `final_attempt` is true when no retry follows.
using FailureHandler =
    std::function<void(pqxx::work& tx, const Job& job, const std::string& error, bool final_attempt)>;

// Registry of job kinds (filled once at start-up, before workers run).
void register_handler(const std::string& kind, JobHandler handler, FailureHandler on_failure = nullptr);
void register_builtin_handlers();
// Enqueues this hour's 'maintenance.sweep' (idempotency keys, old jobs, …), today's
// 'usage.snapshot' (users_count and storage per tenant) and today's 'retention.sweep' (rows past
// each tenant's retention, ended sessions included), each unless it exists already.
void schedule_maintenance(pqxx::connection& conn, int webhook_retention_days);

// 'domain.check' (src/jobs/domains.cpp): where and how often custom domains are checked
// (DNS_SERVER, DNS_TIMEOUT_MS, DOMAIN_POLL_INTERVAL, DOMAIN_POLL_ATTEMPTS, DOMAIN_RECHECK_INTERVAL).
struct DomainCheckSettings {
  util::DnsServer server;
  int timeout_ms = 3000;
  int poll_seconds = 300;
  int max_attempts = 288;
  int recheck_seconds = 86400;
};
// Registers 'domain.check' with these settings (serve and worker, after register_builtin_handlers).
void register_domain_handlers(const DomainCheckSettings& settings);
// Registers 'tenant.rotate_key' (src/jobs/tenant_keys.cpp) with KEK_FILE's keys (serve and
// worker); without a KEK the job fails with that reason. The path is read once, here.
void register_key_handlers(const std::string& kek_file);
// Registers 'tenant.purge' (src/jobs/purge.cpp): one batch of PURGE_BATCH_ROWS per job, the next
// job queued until the tenant is gone; and makes the hourly maintenance job start the purges
// due after PURGE_GRACE_DAYS (enqueue_due_purges). The last step also removes the tenant's data
// export files (export_dir/<tenant>, EXPORT_DIR). Serve and worker.
void register_purge_handlers(int grace_days, int batch_rows, const std::string& export_dir);
// Called by 'maintenance.sweep': starts the purges that are due (the settings registered above).
void enqueue_due_purges(pqxx::work& tx);
// Registers 'tenant.export' (src/jobs/export.cpp): writes a tenant's data export into
// `export_dir` (EXPORT_DIR); KEK_FILE's keys open secrets for exports that asked for them.
// Serve and worker.
void register_export_handlers(const std::string& kek_file, const std::string& export_dir);

struct WorkerOptions {
  std::string database_url;
  int threads = 1;
  int lease_seconds = 60;
  int poll_ms = 1000;  // fallback when no NOTIFY arrives
  int backoff_base_ms = 1000;
  int webhook_retention_days = 30;
};

// Worker threads: each has its own connection, LISTENs on tenantd_jobs, claims work with
// tenantd.claim_job (FOR UPDATE SKIP LOCKED), and does it in one transaction.
class WorkerPool {
 public:
  explicit WorkerPool(WorkerOptions opt);
  ~WorkerPool();
  void start();
  void stop();  // finishes the job in hand, then returns
  // Runs one claimed job if any is due; returns false when there was nothing to do. Used by
  // the threads and directly by tests.
  static bool run_one(pqxx::connection& conn, const std::string& worker_id, const WorkerOptions& opt);

 private:
  void loop(int index);
  WorkerOptions opt_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace tenantd::jobs
