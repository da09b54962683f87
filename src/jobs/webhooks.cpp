// Job kind 'webhook.process': applies one identity-provider event recorded by
// POST /v1/webhooks/identity. The work is tenantd.apply_webhook_event (SECURITY DEFINER: the
// worker has no context and the event crosses tenants), run in the job's own transaction so the
// effect, the event's "completed" and the job's completion commit together. A failed attempt
// records status failed, the error and the attempt count on the event; the job retries with
// backoff up to its max_attempts.
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "db/job_queue.hpp"
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"

namespace tenantd::jobs {

namespace {

std::string event_id_of(const Job& job) {
  rapidjson::Document d;
  d.Parse(job.payload.c_str(), job.payload.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("event_id") || !d["event_id"].IsString()) {
    throw std::runtime_error("webhook.process job without a string event_id");
  }
  return d["event_id"].GetString();
}

// For the JSON log line: event ids come from the provider.
std::string log_safe(std::string s) {
  for (auto& c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return s;
}

}  // namespace

void register_webhook_handlers() {
  register_handler(
      "webhook.process",
      [](pqxx::work& tx, const Job& job) {
        const std::string event_id = event_id_of(job);
        const std::string result = db::job_queue::apply_webhook_event(tx, event_id, job.attempts);
        spdlog::info("\"msg\":\"webhook event applied\",\"event\":\"{}\",\"result\":\"{}\"",
                     log_safe(event_id), log_safe(result));
      },
      [](pqxx::work& tx, const Job& job, const std::string& error, bool) {
        std::string event_id;
        try {
          event_id = event_id_of(job);
        } catch (const std::exception&) {
          return;  // nothing to record the failure on
        }
        db::job_queue::fail_webhook_event(tx, event_id, error, job.attempts);
      });
}

}  // namespace tenantd::jobs
