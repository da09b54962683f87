#pragma once
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace tenantd::db::job_queue {

// The job queue's SQL (sql/9x_tenantd.*_job.sql and the job kinds' procedures), called by the
// workers (src/jobs/) as tenantd_worker. Each function is one statement in the caller's
// transaction unless it says otherwise.

struct ClaimedJob {
  int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON text
  int attempts = 0;
  int max_attempts = 0;
};

// tenantd.claim_job, in its own committed transaction: the next due job, leased to `worker`.
std::optional<ClaimedJob> claim(pqxx::connection& conn, const std::string& worker, int lease_seconds);
// tenantd.lock_job: false when the lease was lost to another worker.
bool lock(pqxx::work& tx, int64_t id, const std::string& worker);
void complete(pqxx::work& tx, int64_t id, const std::string& worker);
// tenantd.fail_job: the job's state afterwards (queued again or failed).
std::string fail(pqxx::work& tx, int64_t id, const std::string& worker, const std::string& error,
                 int backoff_base_ms);
// The hourly maintenance job, enqueued once per UTC hour (dedupe key), and the daily usage
// sample and retention sweep, each enqueued once per UTC day (dedupe key), in their own
// transaction.
void schedule_maintenance(pqxx::connection& conn, int webhook_retention_days);

// Observability (tenantd.observe_metric, in the job's transaction): one finished attempt of a job
// (outcome completed, retried or failed) into tenantd_jobs_finished_total{kind,outcome} and
// tenantd_job_duration_seconds{kind}.
void observe_job(pqxx::work& tx, const std::string& kind, const std::string& outcome, double seconds);
// tenantd.observe_provisioning: tenantd_provisioning_duration_seconds{outcome} (completed, failed).
void observe_provisioning(pqxx::work& tx, const std::string& tenant_id, const std::string& outcome);
// tenantd.worker_heartbeat, in its own statement: alive = false on a clean stop.
void heartbeat(pqxx::connection& conn, const std::string& worker, bool alive);

// Job kinds.
void cleanup_sessions(pqxx::work& tx);
void sweep(pqxx::work& tx, int webhook_retention_days);
// tenantd.snapshot_usage: the day's users_count and storage sample of every tenant; `day`
// 'YYYY-MM-DD' ("" = today in UTC).
void snapshot_usage(pqxx::work& tx, const std::string& day);
void provision_tenant(pqxx::work& tx, const std::string& tenant_id, int attempt);
void provisioning_failed(pqxx::work& tx, const std::string& tenant_id, const std::string& error, int attempt,
                         bool final_attempt);
// tenantd.apply_webhook_event: what was done (for the log).
std::string apply_webhook_event(pqxx::work& tx, const std::string& event_id, int attempt);
void fail_webhook_event(pqxx::work& tx, const std::string& event_id, const std::string& error, int attempt);
// 'domain.check': tenantd.domain_check_target (nullopt when the job is stale) and
// tenantd.record_domain_check (the outcome word: verified, pending, failed, …).
struct DomainCheckTarget {
  std::string hostname, token, cname_target, status;
};
std::optional<DomainCheckTarget> domain_check_target(pqxx::work& tx, const std::string& tenant_id,
                                                     const std::string& domain_id, int generation);
std::string record_domain_check(pqxx::work& tx, const std::string& tenant_id, const std::string& domain_id,
                                int generation, bool ok, const std::string& error, int poll_seconds,
                                int max_attempts, int recheck_seconds);

// 'tenant.purge': tenantd.purge_step (JSON text: {"done", "table", "deleted"}); the next job of the
// chain; tenantd.enqueue_due_purges (how many purges it started).
std::string purge_step(pqxx::work& tx, const std::string& tenant_id, int batch_rows);
void enqueue_purge_continuation(pqxx::work& tx, const std::string& tenant_id);
int enqueue_due_purges(pqxx::work& tx, int grace_days);
// 'retention.sweep': tenantd.retention_step (JSON text: {"done", "state"}) on the job's payload,
// and the next job of the sweep with the step's state (JSON object text).
std::string retention_step(pqxx::work& tx, const std::string& state_json);
void enqueue_retention_continuation(pqxx::work& tx, const std::string& state_json);
// 'tenant.rotate_key': tenantd.key_rotation_read (the tenant's keys and secrets as JSON text,
// under its exclusive data key lock) and tenantd.key_rotation_apply (the number re-sealed).
std::string key_rotation_read(pqxx::work& tx, const std::string& tenant_id);
int key_rotation_apply(pqxx::work& tx, const std::string& tenant_id, const std::string& new_key_json,
                       const std::string& values_json);
// 'tenant.export': tenantd.export_start (JSON text: {"skip"} or {"include_secrets", "created_at",
// "keys"}); every row of the tenant in each table of tenantd.export_tables() as JSON
// object texts, read by tenantd.export_rows as tenantd_readonly (row-level security for that
// tenant, that role's column grants), the worker's own role restored afterwards, and before
// export_start in the same transaction (Citus: docs/scale-out.md, item 1);
// tenantd.export_finish and tenantd.export_failed.
std::string export_start(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id);
// the export's second job (phase "write"), once per export (dedupe key)
void enqueue_export_write(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id);
struct ExportTable {
  std::string table;               // schema-qualified name, e.g. tenantd.memberships
  std::vector<std::string> lines;  // one JSON object text per row, in primary key order
};
std::vector<ExportTable> export_rows(pqxx::work& tx, const std::string& tenant_id);
void export_finish(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id,
                   const std::string& file_name, const std::string& sha256, int64_t bytes,
                   const std::string& row_counts_json);
void export_failed(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id,
                   const std::string& error, bool final_attempt);
}  // namespace tenantd::db::job_queue
