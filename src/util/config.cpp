#include "util/config.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "auth/provider_claims.hpp"
#include "http/client_address.hpp"
#include "util/dns.hpp"
#include "util/origin.hpp"

namespace tenantd::util {
namespace {

struct Env {
  const std::map<std::string, std::string>* overrides;
  std::optional<std::string> get(const std::string& name) const {
    if (overrides) {
      auto it = overrides->find(name);
      if (it == overrides->end()) return std::nullopt;
      return it->second;
    }
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  }
};

int parse_int(const Env& env, const std::string& name, int def, int lo, int hi) {
  auto v = env.get(name);
  if (!v || v->empty()) return def;
  size_t pos = 0;
  long n = 0;
  try {
    n = std::stol(*v, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos != v->size() || n < lo || n > hi) {
    throw ConfigError(name + " must be an integer between " + std::to_string(lo) + " and " +
                      std::to_string(hi) + ", got '" + *v + "'");
  }
  return static_cast<int>(n);
}

// A duration in seconds, or with a suffix s, m, h or d ("300", "5m", "24h"), within [lo, hi] seconds.
int parse_duration(const Env& env, const std::string& name, int def, long lo, long hi, const char* range) {
  auto v = env.get(name);
  if (!v || v->empty()) return def;
  std::string t = *v;
  int mult = 1;
  const char unit = t.back();
  if (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd') {
    mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400;
    t.pop_back();
  }
  std::map<std::string, std::string> one{{name, t}};
  Env e{&one};
  long secs = 0;
  try {
    secs = static_cast<long>(parse_int(e, name, 0, 1, 366 * 86400)) * mult;
  } catch (const ConfigError&) {
    secs = 0;
  }
  if (secs < lo || secs > hi) {
    throw ConfigError(name + " must be a duration from " + range + ", got '" + *v + "'");
  }
  return static_cast<int>(secs);
}

bool parse_bool(const Env& env, const std::string& name, bool def) {
  auto v = env.get(name);
  if (!v || v->empty()) return def;
  if (*v == "1" || *v == "true" || *v == "on" || *v == "yes") return true;
  if (*v == "0" || *v == "false" || *v == "off" || *v == "no") return false;
  throw ConfigError(name + " must be true or false, got '" + *v + "'");
}

std::string parse_str(const Env& env, const std::string& name, const std::string& def) {
  auto v = env.get(name);
  return v && !v->empty() ? *v : def;
}

}  // namespace

std::string embedded_database_url(const std::string& role) {
  const char* port = std::getenv("TENANTD_PG_PORT");
  const char* dir = std::getenv("TENANTD_PG_DIR");
  std::string d = dir ? dir : (std::filesystem::current_path() / "var" / "pg").string();
  return "postgresql:///tenantd?host=" + d + "/run&port=" + (port ? port : "54329") + "&user=" + role;
}

Config load_config(const std::map<std::string, std::string>* overrides) {
  Env env{overrides};
  Config c;
  c.database_url = parse_str(env, "DATABASE_URL", "");
  if (c.database_url.empty()) c.database_url = embedded_database_url("tenantd_app");
  c.worker_database_url = parse_str(env, "WORKER_DATABASE_URL", "");
  if (c.worker_database_url.empty()) c.worker_database_url = embedded_database_url("tenantd_worker");
  c.migrate_database_url = parse_str(env, "MIGRATE_DATABASE_URL", "");
  if (c.migrate_database_url.empty()) c.migrate_database_url = embedded_database_url("tenantd_migrator");
  c.listen_addr = parse_str(env, "LISTEN_ADDR", c.listen_addr);
  auto colon = c.listen_addr.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == c.listen_addr.size()) {
    throw ConfigError("LISTEN_ADDR must be host:port, got '" + c.listen_addr + "'");
  }
  for (size_t i = colon + 1; i < c.listen_addr.size(); ++i) {
    if (!isdigit(static_cast<unsigned char>(c.listen_addr[i]))) {
      throw ConfigError("LISTEN_ADDR port must be numeric, got '" + c.listen_addr + "'");
    }
  }
  c.http_threads = parse_int(env, "HTTP_THREADS", c.http_threads, 1, 256);
  c.db_pool_size = parse_int(env, "DB_POOL_SIZE", c.db_pool_size, 1, 1000);
  c.db_acquire_timeout_ms = parse_int(env, "DB_ACQUIRE_TIMEOUT_MS", c.db_acquire_timeout_ms, 1, 600000);
  c.max_body_bytes = static_cast<size_t>(
      parse_int(env, "MAX_BODY_BYTES", static_cast<int>(c.max_body_bytes), 1024, 64 * 1024 * 1024));
  c.jwt_hs256_secret = parse_str(env, "JWT_HS256_SECRET", "");
  if (!c.jwt_hs256_secret.empty() && c.jwt_hs256_secret.size() < 32) {
    throw ConfigError("JWT_HS256_SECRET must be at least 32 bytes (256 bits) long");
  }
  c.jwt_public_keys = parse_str(env, "JWT_PUBLIC_KEYS", "");
  c.jwt_jwks_file = parse_str(env, "JWT_JWKS_FILE", "");
  c.jwt_jwks_url = parse_str(env, "JWT_JWKS_URL", "");
  if (!c.jwt_jwks_url.empty() && c.jwt_jwks_url.rfind("https://", 0) != 0) {
    throw ConfigError("JWT_JWKS_URL must be an https:// URL");
  }
  c.jwt_jwks_ca_file = parse_str(env, "JWT_JWKS_CA_FILE", "");
  c.jwks_min_refresh_seconds =
      parse_int(env, "JWKS_MIN_REFRESH_SECONDS", c.jwks_min_refresh_seconds, 1, 86400);
  c.jwt_issuer = parse_str(env, "JWT_ISSUER", "");
  c.jwt_audience = parse_str(env, "JWT_AUDIENCE", "");
  c.jwt_leeway_seconds = parse_int(env, "JWT_LEEWAY_SECONDS", c.jwt_leeway_seconds, 0, 60);
  c.jwt_tenant_claim = parse_str(env, "JWT_TENANT_CLAIM", "");
  c.jwt_role_claim = parse_str(env, "JWT_ROLE_CLAIM", "");
  c.jwt_subject_kind = parse_str(env, "JWT_SUBJECT_KIND", c.jwt_subject_kind);
  c.jwt_role_map = parse_str(env, "JWT_ROLE_MAP", "");
  try {
    auth::parse_provider_claims(c.jwt_tenant_claim, c.jwt_role_claim, c.jwt_subject_kind, c.jwt_role_map);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(e.what());
  }
  c.token_signing_key = parse_str(env, "TOKEN_SIGNING_KEY", "");
  c.base_domain = parse_str(env, "BASE_DOMAIN", c.base_domain);
  for (auto& ch : c.base_domain) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  {
    // lower case, no trailing dot, empty items ignored: compared with the Host as
    // custom_domain_from_host normalises it
    std::string item;
    std::istringstream list(parse_str(env, "API_HOSTNAMES", ""));
    while (std::getline(list, item, ',')) {
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      for (auto& ch : item) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
      if (!item.empty() && item.back() == '.') item.pop_back();
      if (!item.empty()) c.api_hostnames.push_back(item);
    }
  }
  c.tenant_header_name = parse_str(env, "TENANT_HEADER_NAME", c.tenant_header_name);
  for (char ch : c.tenant_header_name) {
    if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '-')) {
      throw ConfigError("TENANT_HEADER_NAME must be a header name (letters, digits, '-')");
    }
  }
  c.tenant_subdomain_enabled = parse_bool(env, "TENANT_SUBDOMAIN_ENABLED", c.tenant_subdomain_enabled);
  c.db_prepared_statements = parse_bool(env, "DB_PREPARED_STATEMENTS", c.db_prepared_statements);
  c.migrations_dir = parse_str(env, "MIGRATIONS_DIR", c.migrations_dir);
  c.max_tenants_per_user = parse_int(env, "MAX_TENANTS_PER_USER", c.max_tenants_per_user, 1, 10000);
  c.invitation_expiry_days = parse_int(env, "INVITATION_EXPIRY_DAYS", c.invitation_expiry_days, 1, 30);
  c.onboarding_auto_activate = parse_bool(env, "ONBOARDING_AUTO_ACTIVATE", c.onboarding_auto_activate);
  c.access_token_ttl_seconds =
      parse_int(env, "ACCESS_TOKEN_TTL_SECONDS", c.access_token_ttl_seconds, 60, 86400);
  c.refresh_token_ttl_days = parse_int(env, "REFRESH_TOKEN_TTL_DAYS", c.refresh_token_ttl_days, 1, 365);
  c.idempotency_ttl_seconds = parse_duration(env, "IDEMPOTENCY_TTL", c.idempotency_ttl_seconds, 60,
                                             30 * 86400, "60s to 30d (e.g. 86400, 24h)");
  c.webhook_secret = parse_str(env, "WEBHOOK_SECRET", "");
  c.kek_file = parse_str(env, "KEK_FILE", "");
  c.purge_grace_days = parse_int(env, "PURGE_GRACE_DAYS", c.purge_grace_days, 0, 3650);
  c.purge_batch_rows = parse_int(env, "PURGE_BATCH_ROWS", c.purge_batch_rows, 1, 100000);
  c.export_dir = parse_str(env, "EXPORT_DIR", c.export_dir);
  c.export_link_ttl_seconds = parse_int(env, "EXPORT_LINK_TTL_SECONDS", c.export_link_ttl_seconds, 1, 604800);
  c.webhook_retention_days = parse_int(env, "WEBHOOK_RETENTION_DAYS", c.webhook_retention_days, 1, 3650);
  c.webhook_tolerance_seconds =
      parse_int(env, "WEBHOOK_TOLERANCE_SECONDS", c.webhook_tolerance_seconds, 1, 3600);
  c.signup_rate_per_minute = parse_int(env, "SIGNUP_RATE_PER_MINUTE", c.signup_rate_per_minute, 1, 1000000);
  c.login_rate_per_minute = parse_int(env, "LOGIN_RATE_PER_MINUTE", c.login_rate_per_minute, 1, 1000000);
  c.accept_rate_per_minute = parse_int(env, "ACCEPT_RATE_PER_MINUTE", c.accept_rate_per_minute, 1, 1000000);
  c.trusted_proxies = parse_str(env, "TRUSTED_PROXIES", "");
  try {
    (void)parse_cidr_list(c.trusted_proxies);
  } catch (const CidrError& e) {
    throw ConfigError(std::string("TRUSTED_PROXIES must be a list of CIDR networks: ") + e.what());
  }
  c.domain_cname_target = parse_str(env, "DOMAIN_CNAME_TARGET", "");
  for (auto& ch : c.domain_cname_target) ch = static_cast<char>(tolower(static_cast<unsigned char>(ch)));
  if (!c.domain_cname_target.empty() && c.domain_cname_target.back() == '.') c.domain_cname_target.pop_back();
  for (char ch : c.domain_cname_target) {
    if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.')) {
      throw ConfigError("DOMAIN_CNAME_TARGET must be a DNS name");
    }
  }
  c.domain_claim_ttl_days = parse_int(env, "DOMAIN_CLAIM_TTL_DAYS", c.domain_claim_ttl_days, 1, 365);
  c.domain_poll_interval_seconds = parse_duration(env, "DOMAIN_POLL_INTERVAL", c.domain_poll_interval_seconds,
                                                  1, 86400, "1s to 1d (e.g. 300, 5m)");
  c.domain_poll_attempts = parse_int(env, "DOMAIN_POLL_ATTEMPTS", c.domain_poll_attempts, 1, 100000);
  c.domain_recheck_interval_seconds =
      parse_duration(env, "DOMAIN_RECHECK_INTERVAL", c.domain_recheck_interval_seconds, 1, 30 * 86400,
                     "1s to 30d (e.g. 24h)");
  c.dns_server = parse_str(env, "DNS_SERVER", "");
  if (!c.dns_server.empty() && !parse_dns_server(c.dns_server)) {
    throw ConfigError("DNS_SERVER must be an IPv4 address and port, e.g. 127.0.0.1:53");
  }
  c.dns_timeout_ms = parse_int(env, "DNS_TIMEOUT_MS", c.dns_timeout_ms, 100, 60000);
  c.domain_ask_rate_per_minute =
      parse_int(env, "DOMAIN_ASK_RATE_PER_MINUTE", c.domain_ask_rate_per_minute, 1, 1000000);
  c.workers = parse_int(env, "WORKERS", c.workers, 0, 64);
  c.job_lease_seconds = parse_int(env, "JOB_LEASE_SECONDS", c.job_lease_seconds, 1, 86400);
  c.job_poll_ms = parse_int(env, "JOB_POLL_MS", c.job_poll_ms, 10, 60000);
  c.job_backoff_base_ms = parse_int(env, "JOB_BACKOFF_BASE_MS", c.job_backoff_base_ms, 1, 3600000);
  c.tenant_rate_limit_enabled = parse_bool(env, "TENANT_RATE_LIMIT_ENABLED", c.tenant_rate_limit_enabled);
  c.rate_limit_policy_in_call = parse_bool(env, "RATE_LIMIT_POLICY_IN_CALL", c.rate_limit_policy_in_call);
  c.usage_metering_enabled = parse_bool(env, "USAGE_METERING_ENABLED", c.usage_metering_enabled);
  c.usage_flush_seconds = parse_int(env, "USAGE_FLUSH_SECONDS", c.usage_flush_seconds, 1, 300);
  {
    std::string item;
    std::istringstream list(parse_str(env, "CORS_ALLOWED_ORIGINS", ""));
    while (std::getline(list, item, ',')) {
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (item.empty()) continue;
      const OriginResult o = normalize_origin(item);
      if (!o.ok()) throw ConfigError("CORS_ALLOWED_ORIGINS: '" + item + "': " + o.error);
      c.cors_allowed_origins.push_back(o.origin);
    }
  }
  c.cors_max_age_seconds = parse_int(env, "CORS_MAX_AGE_SECONDS", c.cors_max_age_seconds, 0, 86400);
  c.cors_cache_seconds = parse_int(env, "CORS_CACHE_SECONDS", c.cors_cache_seconds, 0, 3600);
  c.events_database_url = parse_str(env, "EVENTS_DATABASE_URL", c.database_url);
  c.event_streams_max = parse_int(env, "EVENT_STREAMS_MAX", c.event_streams_max, 0, 100000);
  c.event_heartbeat_seconds = parse_int(env, "EVENT_HEARTBEAT_SECONDS", c.event_heartbeat_seconds, 1, 300);
  c.event_stream_max_seconds =
      parse_int(env, "EVENT_STREAM_MAX_SECONDS", c.event_stream_max_seconds, 10, 280);
  c.web_dir = parse_str(env, "WEB_DIR", "");
  c.log_level = parse_str(env, "LOG_LEVEL", c.log_level);
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  bool ok = false;
  for (auto* l : kLevels) ok = ok || c.log_level == l;
  if (!ok) throw ConfigError("LOG_LEVEL must be one of trace, debug, info, warn, error, critical, off");
  return c;
}

}  // namespace tenantd::util
