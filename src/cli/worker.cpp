#include "jobs/worker.hpp"

#include <pthread.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <pqxx/pqxx>

#include "cli/commands.hpp"
#include "db/operator_calls.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

jobs::DomainCheckSettings domain_check_settings(const util::Config& cfg) {
  jobs::DomainCheckSettings d;
  d.server = util::parse_dns_server(cfg.dns_server).value_or(util::DnsServer{});  // checked by load_config
  d.timeout_ms = cfg.dns_timeout_ms;
  d.poll_seconds = cfg.domain_poll_interval_seconds;
  d.max_attempts = cfg.domain_poll_attempts;
  d.recheck_seconds = cfg.domain_recheck_interval_seconds;
  return d;
}

jobs::WorkerOptions worker_options(const util::Config& cfg, int threads) {
  jobs::WorkerOptions o;
  // The worker role, never the app role: only it may execute the job, provisioning, webhook and
  // sweep functions (DESIGN §3).
  o.database_url = cfg.worker_database_url;
  o.threads = threads;
  o.lease_seconds = cfg.job_lease_seconds;
  o.poll_ms = cfg.job_poll_ms;
  o.backoff_base_ms = cfg.job_backoff_base_ms;
  o.webhook_retention_days = cfg.webhook_retention_days;
  return o;
}

// `tenantd worker`: job workers only, no HTTP, until SIGTERM/SIGINT.
int cmd_worker(const Args&) {
  util::Config cfg;
  if (!load_config_and_logging(cfg)) return 2;
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  jobs::register_builtin_handlers();
  jobs::register_domain_handlers(domain_check_settings(cfg));
  jobs::register_key_handlers(cfg.kek_file);
  jobs::register_purge_handlers(cfg.purge_grace_days, cfg.purge_batch_rows, cfg.export_dir);
  jobs::register_export_handlers(cfg.kek_file, cfg.export_dir);
  jobs::WorkerPool pool(worker_options(cfg, cfg.workers > 0 ? cfg.workers : 1));
  pool.start();
  spdlog::info("\"msg\":\"worker started\",\"threads\":{}", cfg.workers > 0 ? cfg.workers : 1);
  int sig = 0;
  sigwait(&sigs, &sig);
  spdlog::info("\"msg\":\"worker stopping\",\"signal\":{}", sig);
  pool.stop();
  spdlog::info("\"msg\":\"stopped\"");
  return 0;
}

// `tenantd jobs list [--state S] [--kind K] | retry ID`, as an operator (migrator role).
int cmd_jobs(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  try {
    pqxx::connection c(operator_database_url(args));
    if (sub == "list") {
      const std::string state = flag_value(args, "--state"), kind = flag_value(args, "--kind");
      const auto r = db::operator_calls::list_jobs(c, state, kind);
      for (const auto& row : r) {
        const auto& v = row.cells;
        std::cout << v[0] << "\t" << v[1] << "\t" << v[2] << "\t" << v[3] << "/" << v[4] << "\t" << v[5]
                  << "\t" << v[6] << "\n";
      }
      std::cout << r.size() << " job(s)\n";
      return 0;
    }
    if (sub == "retry" && args.size() >= 2) {
      const long long id = std::stoll(args[1]);
      bool ok = db::operator_calls::retry_job(c, id);
      std::cout << (ok ? "job " + args[1] + " queued again\n"
                       : "job " + args[1] + " is not failed; nothing to do\n");
      return ok ? 0 : 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "jobs: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: tenantd jobs list [--state S] [--kind K] | retry ID\n";
  return 2;
}

}  // namespace tenantd::cli
