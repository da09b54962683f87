// 'retention.sweep' {state}: one step of the retention sweep per job (tenantd.retention_step:
// at most one batch of rows past their tenant's retention, by default 5000, from audit_log,
// invitations, sessions and usage_events), in the job's transaction, and the next job queued
// in the same transaction with the step's state until the step answers done. Each step commits
// on its own, so no lock is held longer than one batch's delete, and a worker killed mid-sweep
// loses only its step (the job is taken again when the lease runs out). The first job of the day
// comes from the maintenance scheduling (tenantd.enqueue_retention_sweep).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include "db/job_queue.hpp"
#include "jobs/handlers.hpp"
#include "jobs/worker.hpp"
#include "util/json_escape.hpp"

namespace tenantd::jobs {

void register_retention_handlers() {
  register_handler("retention.sweep", [](pqxx::work& tx, const Job& job) {
    const std::string step = db::job_queue::retention_step(tx, job.payload);
    rapidjson::Document s;
    s.Parse(step.c_str());
    if (s.HasParseError() || !s.IsObject() || !s.HasMember("done") || !s["done"].IsBool()) {
      throw std::runtime_error("retention.sweep: unexpected step answer");
    }
    if (!s["done"].GetBool()) {
      if (!s.HasMember("state") || !s["state"].IsObject()) {
        throw std::runtime_error("retention.sweep: a step without a state to go on from");
      }
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      s["state"].Accept(w);
      db::job_queue::enqueue_retention_continuation(tx, std::string(sb.GetString(), sb.GetSize()));
    } else {
      spdlog::info("\"msg\":\"retention sweep finished\",\"result\":\"{}\"", util::json_escape(step));
    }
  });
}

}  // namespace tenantd::jobs
