#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "api/route_table.hpp"
#include "auth/jwt.hpp"
#include "cli/commands.hpp"
#include "db/pool.hpp"
#include "db/statement_mode.hpp"
#include "http/endpoint.hpp"
#include "jobs/worker.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

jobs::WorkerOptions worker_options(const util::Config& cfg, int threads);
jobs::DomainCheckSettings domain_check_settings(const util::Config& cfg);

void setup_logging(const std::string& level) {
  // JSON lines on stdout; the message part of each line is a JSON fragment.
  auto logger = spdlog::stdout_logger_mt("tenantd");
  logger->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"%l\",%v}",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

bool load_config_and_logging(util::Config& cfg) {
  try {
    cfg = util::load_config();
  } catch (const util::ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return false;
  }
  setup_logging(cfg.log_level);
  return true;
}

int cmd_serve(const Args&) {
  util::Config cfg;
  if (!load_config_and_logging(cfg)) return 2;

  std::unique_ptr<auth::JwtVerifier> verifier;
  try {
    auth::VerifierConfig vc;
    vc.hs256_secret = cfg.jwt_hs256_secret;
    vc.public_keys = cfg.jwt_public_keys;
    vc.jwks_file = cfg.jwt_jwks_file;
    vc.issuer = cfg.jwt_issuer;
    vc.audience = cfg.jwt_audience;
    vc.leeway_seconds = cfg.jwt_leeway_seconds;
    verifier = std::make_unique<auth::JwtVerifier>(vc);
    if (!verifier->has_any_key()) {
      std::cerr << "configuration error: no JWT key configured (set JWT_HS256_SECRET, JWT_PUBLIC_KEYS or "
                   "JWT_JWKS_FILE)\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }

  // The route table: every route, its options and the api.* function it calls.
  Router router;
  api::register_all(router);
  db::set_prepared_statements(cfg.db_prepared_statements);
  db::ConnectionPool pool(cfg.database_url, static_cast<size_t>(cfg.db_pool_size),
                          std::chrono::milliseconds(cfg.db_acquire_timeout_ms));
  // A small pool as tenantd_worker for routes that record work for the workers (webhook
  // receipt); connections open lazily, on the first such request.
  db::ConnectionPool worker_pool(cfg.worker_database_url, 2,
                                 std::chrono::milliseconds(cfg.db_acquire_timeout_ms));
  Services svc{pool, cfg, &worker_pool};
  App app(svc, router, *verifier);
  // Job workers in the same process (WORKERS=0 leaves them to `tenantd worker`).
  jobs::register_builtin_handlers();
  jobs::register_domain_handlers(domain_check_settings(cfg));
  jobs::WorkerPool workers(worker_options(cfg, cfg.workers));
  try {
    serve_http(app, cfg.listen_addr, cfg.http_threads, cfg.max_body_bytes, [&] { workers.start(); });
  } catch (const std::exception& e) {
    std::cerr << "serve: " << e.what() << "\n";
    return 1;
  }
  workers.stop();
  worker_pool.close();
  pool.close();
  spdlog::info("\"msg\":\"stopped\"");
  return 0;
}

}  // namespace tenantd::cli
