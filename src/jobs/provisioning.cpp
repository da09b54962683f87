// Job kind 'tenant.provision': takes a tenant from pending to active in one transaction
// (issue 5 §3). The work is tenantd.provision_tenant (sql/85_*): preseed (roles, onboarding
// steps, plan configuration, admin user/membership or invitation, audit row), verified by
// tenantd.verify_preseed before the tenant becomes active. It runs in the job's transaction, so
// the preseed and "job completed" commit together or not at all. On failure the worker has
// rolled that transaction back (no preseed rows) and calls on_failure in the transaction that
// records the failed attempt: tenantd.provisioning_failed sets the tenant 'failed' with the
// error and the attempt count; the queue retries with backoff up to max_attempts.
#include <rapidjson/document.h>

#include <stdexcept>

#include "db/job_queue.hpp"
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"
#include "util/uuid.hpp"

namespace tenantd::jobs {

namespace {

// The payload is {"tenant_id": "<uuid>"} (tenantd.enqueue_provisioning).
std::string tenant_of(const Job& job) {
  rapidjson::Document d;
  d.Parse(job.payload.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("tenant_id") || !d["tenant_id"].IsString()) {
    throw std::runtime_error("tenant.provision payload has no tenant_id");
  }
  std::string id = d["tenant_id"].GetString();
  if (!util::is_uuid(id)) throw std::runtime_error("tenant.provision payload tenant_id is not a uuid");
  return id;
}

}  // namespace

void register_provisioning_handlers() {
  register_handler(
      "tenant.provision",
      [](pqxx::work& tx, const Job& job) {
        // Runs again harmlessly: a tenant that is no longer pending/failed is left alone.
        const std::string tenant = tenant_of(job);
        db::job_queue::provision_tenant(tx, tenant, job.attempts);
        db::job_queue::observe_provisioning(tx, tenant, "completed");
      },
      [](pqxx::work& tx, const Job& job, const std::string& error, bool final_attempt) {
        std::string tenant;
        try {
          tenant = tenant_of(job);
        } catch (const std::exception&) {
          return;  // nothing to record on a tenant; the job records its own error
        }
        db::job_queue::provisioning_failed(tx, tenant, error, job.attempts, final_attempt);
        if (final_attempt) db::job_queue::observe_provisioning(tx, tenant, "failed");
      });
}

}  // namespace tenantd::jobs
