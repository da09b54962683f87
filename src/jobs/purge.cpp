// 'tenant.purge' {"tenant_id"}: one batch of a tenant's purge per job (tenantd.purge_step), in
// the job's transaction, and the next job queued in the same transaction until the step answers
// done. Each batch commits on its own: a worker killed mid-purge loses only its batch (rolled
// back), its job is taken again when the lease runs out, and the purge goes on from what was
// committed. The first job comes from tenantd.request_purge (the API or the grace sweep).
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <system_error>

#include "db/job_queue.hpp"
#include "jobs/worker.hpp"
#include "util/json_escape.hpp"
#include "util/uuid.hpp"

namespace tenantd::jobs {
namespace {

// set once at start-up, before workers run (register_purge_handlers)
std::atomic<int> g_grace_days{30};

}  // namespace

void register_purge_handlers(int grace_days, int batch_rows, const std::string& export_dir) {
  g_grace_days = grace_days;
  register_handler("tenant.purge", [batch_rows, export_dir](pqxx::work& tx, const Job& job) {
    rapidjson::Document d;
    d.Parse(job.payload.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("tenant_id") || !d["tenant_id"].IsString() ||
        !util::is_uuid(d["tenant_id"].GetString())) {
      throw std::runtime_error("tenant.purge: malformed payload");
    }
    const std::string tenant = util::canonical_uuid(d["tenant_id"].GetString());
    const std::string step = db::job_queue::purge_step(tx, tenant, batch_rows);
    rapidjson::Document s;
    s.Parse(step.c_str());
    const bool done = !s.HasParseError() && s.IsObject() && s.HasMember("done") && s["done"].IsBool() &&
                      s["done"].GetBool();
    if (!done) db::job_queue::enqueue_purge_continuation(tx, tenant);
    // the tenant's data exports (EXPORT_DIR/<tenant>/, jobs/export.cpp) go with its rows; the
    // directory is named by the canonical uuid, so nothing else can be removed here
    if (done && !export_dir.empty()) {
      std::error_code ec;
      const auto removed = std::filesystem::remove_all(std::filesystem::path(export_dir) / tenant, ec);
      if (ec)
        throw std::runtime_error("tenant.purge: cannot remove the tenant's export files: " + ec.message());
      if (removed > 0)
        spdlog::info("\"msg\":\"tenant export files removed\",\"tenant\":\"{}\",\"files\":{}", tenant,
                     removed);
    }
    spdlog::info("\"msg\":\"tenant purge step\",\"tenant\":\"{}\",\"step\":\"{}\"", tenant,
                 util::json_escape(step));
  });
}

void enqueue_due_purges(pqxx::work& tx) {
  const int n = db::job_queue::enqueue_due_purges(tx, g_grace_days);
  if (n > 0) spdlog::info("\"msg\":\"purges started after the grace period\",\"count\":{}", n);
}

}  // namespace tenantd::jobs
