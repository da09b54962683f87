// Job kind 'webhook.process': applies one identity-provider event recorded by
// POST /v1/webhooks/identity. The work is tenantd.apply_webhook_event (SECURITY DEFINER: the
// worker has no context and the event crosses tenants), run in the job's own transaction so the
// effect, the event's "completed" and the job's completion commit together. A failed attempt
// records status failed, the error and the attempt count on the event; the job retries with
// backoff up to its max_attempts.
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "http/problem_table.hpp"
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
        pqxx::result r;
        try {
          r = tx.exec_params("select tenantd.apply_webhook_event($1, $2)", event_id, job.attempts);
        } catch (const pqxx::sql_error& e) {
          // A failed event's last_error starts with its problem code (the one problem table),
          // which messages no longer carry: an operator sees "unknown_organization: …".
          throw std::runtime_error(std::string(problem_for_sqlstate(e.sqlstate()).code) + ": " + e.what());
        }
        spdlog::info("\"msg\":\"webhook event applied\",\"event\":\"{}\",\"result\":\"{}\"",
                     log_safe(event_id), log_safe(r.at(0).at(0).is_null() ? "" : r.at(0).at(0).c_str()));
      },
      [](pqxx::work& tx, const Job& job, const std::string& error, bool) {
        std::string event_id;
        try {
          event_id = event_id_of(job);
        } catch (const std::exception&) {
          return;  // nothing to record the failure on
        }
        tx.exec_params("select tenantd.fail_webhook_event($1, $2, $3)", event_id, error, job.attempts);
      });
}

}  // namespace tenantd::jobs
