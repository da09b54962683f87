#include "db/job_queue.hpp"

namespace tenantd::db::job_queue {

std::optional<ClaimedJob> claim(pqxx::connection& conn, const std::string& worker, int lease_seconds) {
  pqxx::work tx(conn);
  auto r =
      tx.exec_params("select id, kind, payload::text, attempts, max_attempts from tenantd.claim_job($1, $2)",
                     worker, lease_seconds);
  tx.commit();
  if (r.empty()) return std::nullopt;
  ClaimedJob job;
  job.id = r[0][0].as<int64_t>();
  job.kind = r[0][1].c_str();
  job.payload = r[0][2].c_str();
  job.attempts = r[0][3].as<int>();
  job.max_attempts = r[0][4].as<int>();
  return job;
}

bool lock(pqxx::work& tx, int64_t id, const std::string& worker) {
  return tx.exec_params("select tenantd.lock_job($1, $2)", id, worker)[0][0].as<bool>();
}

void complete(pqxx::work& tx, int64_t id, const std::string& worker) {
  tx.exec_params("select tenantd.complete_job($1, $2)", id, worker);
}

std::string fail(pqxx::work& tx, int64_t id, const std::string& worker, const std::string& error,
                 int backoff_base_ms) {
  auto r = tx.exec_params("select tenantd.fail_job($1, $2, $3, $4)", id, worker, error, backoff_base_ms);
  return r[0][0].is_null() ? "" : r[0][0].c_str();
}

namespace {
// Upper bounds (seconds) of the job and provisioning histograms, as a PostgreSQL array literal.
const char* const kJobSecondsBuckets = "{0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30,60,300}";
const char* const kProvisioningSecondsBuckets = "{0.1,0.25,0.5,1,2.5,5,10,30,60,120,300,600,1800}";
}  // namespace

void observe_job(pqxx::work& tx, const std::string& kind, const std::string& outcome, double seconds) {
  tx.exec_params(
      "select tenantd.observe_metric('tenantd_jobs_finished_total', jsonb_build_object('kind', $1::text, "
      "'outcome', $2::text), 1), tenantd.observe_metric('tenantd_job_duration_seconds', "
      "jsonb_build_object('kind', $1::text), $3, $4::double precision[])",
      kind, outcome, seconds, kJobSecondsBuckets);
}

void observe_provisioning(pqxx::work& tx, const std::string& tenant_id, const std::string& outcome) {
  tx.exec_params("select tenantd.observe_provisioning($1::uuid, $2, $3::double precision[])", tenant_id,
                 outcome, kProvisioningSecondsBuckets);
}

void heartbeat(pqxx::connection& conn, const std::string& worker, bool alive) {
  pqxx::nontransaction tx(conn);
  tx.exec_params("select tenantd.worker_heartbeat($1, $2)", worker, alive);
}

void schedule_maintenance(pqxx::connection& conn, int webhook_retention_days) {
  // One job per UTC hour however many workers run: the dedupe key decides, not timing.
  pqxx::work tx(conn);
  tx.exec_params(
      "select tenantd.enqueue_job('maintenance.sweep', jsonb_build_object('webhook_retention_days', "
      "$1::int), "
      "now(), 3, 'maintenance.sweep:' || to_char(date_trunc('hour', now() at time zone 'utc'), "
      "'YYYY-MM-DD\"T\"HH24'))",
      webhook_retention_days);
  // One usage sample per UTC day, for the day it is enqueued on (a late run still samples
  // under that day, replacing nothing of another day).
  tx.exec(
      "select tenantd.enqueue_job('usage.snapshot', jsonb_build_object('day', d), now(), 5, "
      "'usage.snapshot:' || d) "
      "from to_char(now() at time zone 'utc', 'YYYY-MM-DD') d");
  // One retention sweep per UTC day; it queues its own next steps.
  tx.exec("select tenantd.enqueue_retention_sweep()");
  tx.commit();
}

void cleanup_sessions(pqxx::work& tx) {
  tx.exec("select tenantd.cleanup_sessions(7)");
}

void sweep(pqxx::work& tx, int webhook_retention_days) {
  // Ended sessions are no longer cleaned up here after a fixed 7 days: the daily retention
  // sweep removes them after each tenant's own sessions retention (by default 7 days).
  tx.exec_params(
      "select tenantd.sweep_idempotency_keys(), tenantd.sweep_jobs(7), "
      "tenantd.sweep_signup_attempts(), tenantd.sweep_webhook_events($1), tenantd.sweep_login_attempts()",
      webhook_retention_days);
}

void snapshot_usage(pqxx::work& tx, const std::string& day) {
  if (day.empty()) {
    tx.exec("select tenantd.snapshot_usage(null)");
  } else {
    tx.exec_params("select tenantd.snapshot_usage($1::date)", day);
  }
}

void provision_tenant(pqxx::work& tx, const std::string& tenant_id, int attempt) {
  tx.exec_params("select tenantd.provision_tenant($1::uuid, $2)", tenant_id, attempt);
}

void provisioning_failed(pqxx::work& tx, const std::string& tenant_id, const std::string& error, int attempt,
                         bool final_attempt) {
  tx.exec_params("select tenantd.provisioning_failed($1::uuid, $2, $3, $4)", tenant_id, error, attempt,
                 final_attempt);
}

std::string apply_webhook_event(pqxx::work& tx, const std::string& event_id, int attempt) {
  auto r = tx.exec_params("select tenantd.apply_webhook_event($1, $2)", event_id, attempt);
  return r.at(0).at(0).is_null() ? "" : r.at(0).at(0).c_str();
}

void fail_webhook_event(pqxx::work& tx, const std::string& event_id, const std::string& error, int attempt) {
  tx.exec_params("select tenantd.fail_webhook_event($1, $2, $3)", event_id, error, attempt);
}

std::optional<DomainCheckTarget> domain_check_target(pqxx::work& tx, const std::string& tenant_id,
                                                     const std::string& domain_id, int generation) {
  auto r = tx.exec_params(
      "select hostname, token, cname_target, status from tenantd.domain_check_target($1::uuid, $2::uuid, $3)",
      tenant_id, domain_id, generation);
  if (r.empty()) return std::nullopt;
  return DomainCheckTarget{r[0][0].c_str(), r[0][1].c_str(), r[0][2].c_str(), r[0][3].c_str()};
}

std::string record_domain_check(pqxx::work& tx, const std::string& tenant_id, const std::string& domain_id,
                                int generation, bool ok, const std::string& error, int poll_seconds,
                                int max_attempts, int recheck_seconds) {
  auto r = tx.exec_params("select tenantd.record_domain_check($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8)",
                          tenant_id, domain_id, generation, ok, error, poll_seconds, max_attempts,
                          recheck_seconds);
  return r.at(0).at(0).is_null() ? "" : r.at(0).at(0).c_str();
}

std::string key_rotation_read(pqxx::work& tx, const std::string& tenant_id) {
  return tx.exec_params1("select tenantd.key_rotation_read($1)::text", tenant_id)[0].as<std::string>();
}

int key_rotation_apply(pqxx::work& tx, const std::string& tenant_id, const std::string& new_key_json,
                       const std::string& values_json) {
  return tx
      .exec_params1("select tenantd.key_rotation_apply($1, $2::jsonb, $3::jsonb)", tenant_id, new_key_json,
                    values_json)[0]
      .as<int>();
}

std::string purge_step(pqxx::work& tx, const std::string& tenant_id, int batch_rows) {
  return tx.exec_params1("select tenantd.purge_step($1, $2)::text", tenant_id, batch_rows)[0]
      .as<std::string>();
}

void enqueue_purge_continuation(pqxx::work& tx, const std::string& tenant_id) {
  tx.exec_params(
      "select tenantd.enqueue_job('tenant.purge', jsonb_build_object('tenant_id', $1::uuid), now(), 10)",
      tenant_id);
}

int enqueue_due_purges(pqxx::work& tx, int grace_days) {
  return tx.exec_params1("select tenantd.enqueue_due_purges($1)", grace_days)[0].as<int>();
}

std::string retention_step(pqxx::work& tx, const std::string& state_json) {
  return tx.exec_params1("select tenantd.retention_step($1::jsonb)::text", state_json)[0].as<std::string>();
}

void enqueue_retention_continuation(pqxx::work& tx, const std::string& state_json) {
  tx.exec_params("select tenantd.enqueue_job('retention.sweep', $1::jsonb, now(), 10)", state_json);
}

std::string export_start(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id) {
  return tx.exec_params1("select tenantd.export_start($1, $2)::text", tenant_id, export_id)[0]
      .as<std::string>();
}

void enqueue_export_write(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id) {
  tx.exec_params(
      "select tenantd.enqueue_job('tenant.export', jsonb_build_object('tenant_id', $1::uuid, 'export_id', "
      "$2::uuid, "
      "'phase', 'write'), now(), 3, 'tenant.export:write:' || $2)",
      tenant_id, export_id);
}

std::vector<ExportTable> export_rows(pqxx::work& tx, const std::string& tenant_id) {
  // The reads run as the reporting role, bound by row-level security to the tenant export_rows
  // sets. A plain SET ROLE, reset right after, not SET LOCAL ROLE: Citus forwards SET LOCAL to
  // every worker connection of the transaction, the definers' too, where the owner may not take
  // the role. On an error the transaction is aborted and the SET is undone with it.
  tx.exec("set role tenantd_readonly");
  std::vector<ExportTable> out;
  const pqxx::result tables = tx.exec("select t from jsonb_array_elements_text(tenantd.export_tables()) t");
  for (const auto& t : tables) {
    ExportTable e{t[0].as<std::string>(), {}};
    pqxx::result r =
        tx.exec_params("select line from tenantd.export_rows($1, $2::regclass) line", tenant_id, e.table);
    e.lines.reserve(r.size());
    for (const auto& row : r) e.lines.push_back(row[0].as<std::string>());
    out.push_back(std::move(e));
  }
  tx.exec("reset role");
  return out;
}

void export_finish(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id,
                   const std::string& file_name, const std::string& sha256, int64_t bytes,
                   const std::string& row_counts_json) {
  tx.exec_params("select tenantd.export_finish($1, $2, $3, $4, $5, $6::jsonb)", tenant_id, export_id,
                 file_name, sha256, bytes, row_counts_json);
}

void export_failed(pqxx::work& tx, const std::string& tenant_id, const std::string& export_id,
                   const std::string& error, bool final_attempt) {
  tx.exec_params("select tenantd.export_failed($1, $2, $3, $4)", tenant_id, export_id, error, final_attempt);
}

}  // namespace tenantd::db::job_queue
