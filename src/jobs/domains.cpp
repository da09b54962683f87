// 'domain.check': one DNS check of a custom domain (a claim being polled, or a verified domain's
// periodic re-check). The job reads what to ask (tenantd.domain_check_target; nothing when a
// newer check chain or a deletion made it stale), asks DNS_SERVER for the TXT and CNAME
// records (util/dns: glibc libresolv), and records the outcome with
// tenantd.record_domain_check, which also queues the next check: all in the job's transaction.
// A DNS failure is an outcome (pending with last_error), not a failed job; only database errors
// fail the job and make the queue retry it.
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "db/job_queue.hpp"
#include "http/metrics.hpp"
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"
#include "util/json_escape.hpp"
#include "util/uuid.hpp"

namespace tenantd::jobs {

void register_domain_handlers(const DomainCheckSettings& settings) {
  register_handler("domain.check", [settings](pqxx::work& tx, const Job& job) {
    rapidjson::Document d;
    d.Parse(job.payload.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("tenant_id") || !d["tenant_id"].IsString() ||
        !d.HasMember("domain_id") || !d["domain_id"].IsString() || !d.HasMember("generation") ||
        !d["generation"].IsInt() || !util::is_uuid(d["tenant_id"].GetString()) ||
        !util::is_uuid(d["domain_id"].GetString())) {
      throw std::runtime_error("domain.check: malformed payload");
    }
    const std::string tenant = d["tenant_id"].GetString();
    const std::string domain = d["domain_id"].GetString();
    const int generation = d["generation"].GetInt();
    auto target = db::job_queue::domain_check_target(tx, tenant, domain, generation);
    if (!target) {
      metrics().count_domain_check("stale");
      return;
    }
    const std::string error = util::check_domain_records(settings.server, target->hostname, target->token,
                                                         target->cname_target, settings.timeout_ms);
    const std::string outcome = db::job_queue::record_domain_check(
        tx, tenant, domain, generation, error.empty(), error, settings.poll_seconds, settings.max_attempts,
        settings.recheck_seconds);
    metrics().count_domain_check(outcome);
    spdlog::info(
        "\"msg\":\"domain checked\",\"tenant\":\"{}\",\"domain\":\"{}\",\"outcome\":\"{}\",\"dns\":\"{}\"",
        tenant, domain, outcome, util::json_escape(error.empty() ? "match" : error));
  });
}

}  // namespace tenantd::jobs
