#pragma once
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tenantd::util {

// Service configuration, read once from the environment (12-factor). Every value has a
// default for local use; a malformed value stops start-up with ConfigError naming it.
struct Config {
  std::string database_url;          // DATABASE_URL (app role)
  std::string worker_database_url;   // WORKER_DATABASE_URL (worker role: jobs, provisioning, webhooks)
  std::string migrate_database_url;  // MIGRATE_DATABASE_URL (migrator role)
  std::string listen_addr = "127.0.0.1:8080";
  int http_threads = 4;
  int db_pool_size = 4;  // each Pistache thread blocks on at most one connection: match HTTP_THREADS
  int db_acquire_timeout_ms = 2000;
  // DB_PREPARED_STATEMENTS: false runs every statement unnamed (one Parse/Bind/Execute), for a
  // transaction pooler (PgBouncer 1.18 in transaction mode) that does not carry named statements
  // from one transaction's server connection to the next.
  bool db_prepared_statements = true;
  size_t max_body_bytes = 1024 * 1024;
  std::string jwt_hs256_secret;
  std::string jwt_public_keys;
  std::string jwt_jwks_file;
  std::string jwt_jwks_url;           // JWT_JWKS_URL: https:// JWKS of an identity provider
  std::string jwt_jwks_ca_file;       // JWT_JWKS_CA_FILE: CA bundle for it (private CA); empty = system
  int jwks_min_refresh_seconds = 60;  // JWKS_MIN_REFRESH_SECONDS: fetches at most this often
  std::string jwt_issuer;
  std::string jwt_audience;
  int jwt_leeway_seconds = 60;
  // Identity-provider tokens as issued (auth/provider_claims.hpp, docs/clerk.md): JWT_TENANT_CLAIM,
  // JWT_ROLE_CLAIM (dotted paths), JWT_SUBJECT_KIND (uuid|external), JWT_ROLE_MAP; checked at load
  std::string jwt_tenant_claim;
  std::string jwt_role_claim;
  std::string jwt_subject_kind = "uuid";
  std::string jwt_role_map;
  // TOKEN_SIGNING_KEY: "kid=private.pem[,kid2=old.pem]", ES256 or EdDSA; the first signs.
  std::string token_signing_key;
  std::string base_domain = "localhost";
  // API_HOSTNAMES: the service's own names outside BASE_DOMAIN (comma-separated; a load balancer's
  // or cluster-internal name): never taken for a custom domain
  std::vector<std::string> api_hostnames;
  std::string tenant_header_name = "X-Tenant-Id";
  bool tenant_subdomain_enabled = true;
  std::string migrations_dir = "migrations";
  // Lifecycle issue settings.
  int max_tenants_per_user = 5;          // MAX_TENANTS_PER_USER
  int invitation_expiry_days = 7;        // INVITATION_EXPIRY_DAYS (1-30)
  bool onboarding_auto_activate = true;  // ONBOARDING_AUTO_ACTIVATE
  int access_token_ttl_seconds = 900;    // ACCESS_TOKEN_TTL_SECONDS (login tokens, 15 min)
  int refresh_token_ttl_days = 30;       // REFRESH_TOKEN_TTL_DAYS
  int idempotency_ttl_seconds = 86400;   // IDEMPOTENCY_TTL: seconds, or with suffix s/m/h/d
  std::string webhook_secret;            // WEBHOOK_SECRET: whsec_… secrets, comma/space separated
  int webhook_retention_days = 30;       // WEBHOOK_RETENTION_DAYS
  int webhook_tolerance_seconds = 300;   // WEBHOOK_TOLERANCE_SECONDS (Standard Webhooks: 5 min)
  int signup_rate_per_minute = 10;       // SIGNUP_RATE_PER_MINUTE per client address
  // Per-client-address limits checked by the dispatcher before the body is read (per process).
  int login_rate_per_minute = 30;   // LOGIN_RATE_PER_MINUTE: POST /v1/auth/token
  int accept_rate_per_minute = 30;  // ACCEPT_RATE_PER_MINUTE: POST /v1/invitations/accept
  std::string trusted_proxies;      // TRUSTED_PROXIES: CIDR list whose X-Forwarded-For is believed
  // Custom domains.
  std::string domain_cname_target;              // DOMAIN_CNAME_TARGET: empty = "<slug>.<BASE_DOMAIN>"
  int domain_claim_ttl_days = 7;                // DOMAIN_CLAIM_TTL_DAYS: a pending claim expires
  int domain_poll_interval_seconds = 300;       // DOMAIN_POLL_INTERVAL: seconds, or with suffix s/m/h/d
  int domain_poll_attempts = 288;               // DOMAIN_POLL_ATTEMPTS: 288 x 5 min = 24 h
  int domain_recheck_interval_seconds = 86400;  // DOMAIN_RECHECK_INTERVAL: verified domains
  std::string dns_server;                       // DNS_SERVER: IPv4 "host:port"; empty = the system's
  int dns_timeout_ms = 3000;                    // DNS_TIMEOUT_MS: per query
  int domain_ask_rate_per_minute = 600;         // DOMAIN_ASK_RATE_PER_MINUTE: GET /v1/domains/allowed
  // Job queue.
  int workers = 1;                 // WORKERS: worker threads in `serve` (0 disables them)
  int job_lease_seconds = 60;      // JOB_LEASE_SECONDS
  int job_poll_ms = 1000;          // JOB_POLL_MS: polling fallback to LISTEN/NOTIFY
  int job_backoff_base_ms = 1000;  // JOB_BACKOFF_BASE_MS
  std::string log_level = "info";
  // Plans (issue 10): the per-tenant rate limit and api_calls metering, both in-process; each
  // can be switched off (the bench measures the service with and without them).
  bool tenant_rate_limit_enabled = true;  // TENANT_RATE_LIMIT_ENABLED
  // RATE_LIMIT_POLICY_IN_CALL: a principal's first request in a minute asks its tenant's rate
  // limit in its own statement (ctx.rate_limit: tenantd.enter reads it before the endpoint
  // writes, tenantd.current_rate_limit() after the call answers it). false: a statement of its
  // own (api.rate_limit_policy), one more round trip.
  bool rate_limit_policy_in_call = true;
  bool usage_metering_enabled = true;  // USAGE_METERING_ENABLED
  int usage_flush_seconds = 5;         // USAGE_FLUSH_SECONDS (1-300)
  // CORS (docs/api/allowed-origins-cors.md): the platform's own origins (the dashboard), allowed
  // on every route, normalised (util/origin.hpp); how long a browser keeps a preflight's answer;
  // how long this process keeps a tenant's answer for an origin.
  std::vector<std::string> cors_allowed_origins;  // CORS_ALLOWED_ORIGINS: comma-separated
  int cors_max_age_seconds = 600;                 // CORS_MAX_AGE_SECONDS (0-86400)
  int cors_cache_seconds = 30;                    // CORS_CACHE_SECONDS (0-3600; 0: ask every time)
  // Tenant data lifecycle (docs/data-lifecycle.md).
  std::string kek_file;         // KEK_FILE: key-encryption keys (crypto/kek_ring.hpp); empty: secrets refused
  int purge_grace_days = 30;    // PURGE_GRACE_DAYS: a soft-deleted tenant is purged after this
  int purge_batch_rows = 5000;  // PURGE_BATCH_ROWS: rows per purge batch (one job, one commit)
  std::string export_dir =
      "var/exports";  // EXPORT_DIR: where export files are written (relative: to the working dir)
  int export_link_ttl_seconds = 900;  // EXPORT_LINK_TTL_SECONDS: a download link's life (1-604800)
  // Live events and the dashboard (docs/live-events.md, docs/dashboard.md).
  std::string events_database_url;   // EVENTS_DATABASE_URL: the LISTEN connection (direct, no PgBouncer);
                                     // default DATABASE_URL
  int event_streams_max = 200;       // EVENT_STREAMS_MAX: open SSE streams per process (0: none served)
  int event_heartbeat_seconds = 15;  // EVENT_HEARTBEAT_SECONDS: comment lines that keep idle streams open
  // EVENT_STREAM_MAX_SECONDS: then the stream ends and the client reconnects (authorised again);
  // below Pistache's 300 s keep-alive timeout, which would otherwise cut the stream with a 408
  int event_stream_max_seconds = 240;
  std::string web_dir;  // WEB_DIR: the dashboard's files; default found next to the binary
};

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the environment; `env` overrides it for tests.
Config load_config(const std::map<std::string, std::string>* env = nullptr);

// The embedded development cluster's URL for `role` (used when the URL variables are unset).
std::string embedded_database_url(const std::string& role);

}  // namespace tenantd::util
