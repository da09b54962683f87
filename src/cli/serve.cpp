#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/route_table.hpp"
#include "auth/jwt.hpp"
#include "auth/remote_jwks.hpp"
#include "auth/signing_keys.hpp"
#include "cli/commands.hpp"
#include "crypto/tenant_keys.hpp"
#include "db/event_listener.hpp"
#include "db/pool.hpp"
#include "db/statement_mode.hpp"
#include "db/usage_flush.hpp"
#include "http/api_key_use.hpp"
#include "http/endpoint.hpp"
#include "http/event_hub.hpp"
#include "http/usage_meter.hpp"
#include "jobs/worker.hpp"
#include "util/config.hpp"
#include "util/json_escape.hpp"

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

namespace {

// Runs `flush` every `every` and once more by finish(), which runs after the HTTP endpoint has
// answered its last request (nothing recorded in memory during a clean shutdown is lost): the
// api_calls counts and the API key uses. Each flush puts back what it could not write.
class PeriodicFlusher {
 public:
  PeriodicFlusher(std::function<void()> flush, std::chrono::seconds every)
      : flush_(std::move(flush)), every_(every) {}
  void start() {
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lk(mu_);
      while (!stop_) {
        cv_.wait_for(lk, every_, [this] { return stop_; });
        lk.unlock();
        flush_();
        lk.lock();
      }
    });
  }
  // Stops the periodic flush and flushes what is left.
  void finish() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    flush_();
  }

 private:
  std::function<void()> flush_;
  const std::chrono::seconds every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

void flush_usage(UsageMeter& meter, db::ConnectionPool& pool) {
  const std::string counts = meter.take_json();
  if (counts.empty()) return;
  try {
    const long long n = db::record_api_calls(pool, counts);
    spdlog::debug("\"msg\":\"usage flushed\",\"api_calls\":{}", n);
  } catch (const std::exception& e) {
    meter.put_back(counts);
    spdlog::error("\"msg\":\"usage flush failed\",\"pending_api_calls\":{},\"error\":\"{}\"", meter.pending(),
                  util::json_escape(e.what()));
  }
}

// Key hashes only ever reach the log as a count.
void flush_api_key_use(ApiKeyUse& uses, db::ConnectionPool& pool) {
  const std::string json = uses.take_json();
  if (json.empty()) return;
  try {
    const long long n = db::record_api_key_use(pool, json);
    spdlog::debug("\"msg\":\"api key use flushed\",\"keys\":{}", n);
  } catch (const std::exception& e) {
    uses.put_back(json);
    spdlog::error("\"msg\":\"api key use flush failed\",\"pending_keys\":{},\"error\":\"{}\"", uses.pending(),
                  util::json_escape(e.what()));
  }
}

}  // namespace

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
  auth::SigningKeys signing_keys;
  std::shared_ptr<auth::RemoteJwks> remote_jwks;
  try {
    auth::VerifierConfig vc;
    vc.hs256_secret = cfg.jwt_hs256_secret;
    vc.public_keys = cfg.jwt_public_keys;
    vc.jwks_file = cfg.jwt_jwks_file;
    vc.issuer = cfg.jwt_issuer;
    vc.audience = cfg.jwt_audience;
    vc.leeway_seconds = cfg.jwt_leeway_seconds;
    vc.provider = auth::parse_provider_claims(cfg.jwt_tenant_claim, cfg.jwt_role_claim, cfg.jwt_subject_kind,
                                              cfg.jwt_role_map);
    verifier = std::make_unique<auth::JwtVerifier>(vc);
    // The service accepts its own tokens: every signing key's public half verifies.
    signing_keys = auth::SigningKeys::load(cfg.token_signing_key);
    for (const auto& k : signing_keys.all()) verifier->add_key(k.public_key());
    if (!cfg.jwt_jwks_url.empty()) {
      auth::RemoteJwksOptions ro;
      ro.url = cfg.jwt_jwks_url;
      ro.ca_file = cfg.jwt_jwks_ca_file;
      ro.min_refresh_seconds = cfg.jwks_min_refresh_seconds;
      remote_jwks = std::make_shared<auth::RemoteJwks>(ro);
      // A provider that is down at start-up is no reason to stay down: tokens of its keys are
      // refused until a fetch succeeds.
      remote_jwks->start();
      verifier->set_remote_jwks(remote_jwks);
    }
    if (!verifier->has_any_key()) {
      std::cerr << "configuration error: no JWT key configured (set TOKEN_SIGNING_KEY, JWT_HS256_SECRET, "
                   "JWT_PUBLIC_KEYS, JWT_JWKS_FILE or JWT_JWKS_URL)\n";
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }

  // KEK_FILE: malformed stops start-up; absent leaves secrets refused (fail closed), not stored in clear.
  std::unique_ptr<crypto::TenantKeys> tenant_keys;
  try {
    tenant_keys = std::make_unique<crypto::TenantKeys>(
        cfg.kek_file.empty() ? crypto::KekRing() : crypto::KekRing::load_file(cfg.kek_file));
  } catch (const std::exception& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  }
  if (!tenant_keys->configured()) {
    spdlog::warn("\"msg\":\"no KEK_FILE: secret configuration (integrations) is refused\"");
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
  // api_calls per tenant and day, in memory, flushed as tenantd_worker (USAGE_METERING_ENABLED)
  UsageMeter usage_meter;
  PeriodicFlusher usage_flusher([&] { flush_usage(usage_meter, worker_pool); },
                                std::chrono::seconds(cfg.usage_flush_seconds));
  // last_used_at of API keys, in memory, flushed as tenantd_worker on the same schedule
  ApiKeyUse api_key_use;
  PeriodicFlusher key_use_flusher([&] { flush_api_key_use(api_key_use, worker_pool); },
                                  std::chrono::seconds(cfg.usage_flush_seconds));
  Services svc{pool,
               cfg,
               &worker_pool,
               &signing_keys,
               cfg.usage_metering_enabled ? &usage_meter : nullptr,
               &api_key_use,
               tenant_keys.get()};
  // live events: one LISTEN connection fans out to the open streams (EVENT_STREAMS_MAX=0: none)
  EventHub event_hub(static_cast<size_t>(cfg.event_streams_max),
                     std::chrono::seconds(cfg.event_heartbeat_seconds),
                     std::chrono::seconds(cfg.event_stream_max_seconds));
  db::EventListener event_listener(cfg.events_database_url, event_hub);
  if (cfg.event_streams_max > 0) svc.events = &event_hub;
  App app(svc, router, *verifier);
  // Job workers in the same process (WORKERS=0 leaves them to `tenantd worker`).
  jobs::register_builtin_handlers();
  jobs::register_domain_handlers(domain_check_settings(cfg));
  jobs::register_key_handlers(cfg.kek_file);
  jobs::register_purge_handlers(cfg.purge_grace_days, cfg.purge_batch_rows, cfg.export_dir);
  jobs::register_export_handlers(cfg.kek_file, cfg.export_dir);
  jobs::WorkerPool workers(worker_options(cfg, cfg.workers));
  try {
    serve_http(
        app, cfg.listen_addr, cfg.http_threads, cfg.max_body_bytes,
        [&] {
          workers.start();
          if (cfg.usage_metering_enabled) usage_flusher.start();
          key_use_flusher.start();
          if (svc.events) event_listener.start();
        },
        [&] {
          event_listener.stop();
          event_hub.close_all();
        });
  } catch (const std::exception& e) {
    std::cerr << "serve: " << e.what() << "\n";
    usage_flusher.finish();
    key_use_flusher.finish();
    return 1;
  }
  // the endpoint has stopped: every request it answered has been counted
  usage_flusher.finish();
  key_use_flusher.finish();
  workers.stop();
  if (remote_jwks) remote_jwks->stop();
  worker_pool.close();
  pool.close();
  spdlog::info("\"msg\":\"stopped\"");
  return 0;
}

}  // namespace tenantd::cli
