#pragma once

namespace tenantd {

namespace db {
class ConnectionPool;
}
class UsageMeter;
class ApiKeyUse;
class EventHub;
namespace util {
struct Config;
}
namespace auth {
class SigningKeys;
}
namespace crypto {
class TenantKeys;
}

// What the service shares with every handler.
struct Services {
  db::ConnectionPool& pool;
  const util::Config& config;
  // Connections as tenantd_worker (WORKER_DATABASE_URL), for the few public routes that hand
  // work to the workers (webhook receipt): the app role may not call those functions.
  db::ConnectionPool* worker_pool = nullptr;
  // TOKEN_SIGNING_KEY, loaded once: signs the access tokens login and refresh answer with, and
  // is published at /.well-known/jwks.json. nullptr or empty: tokens are HS256.
  const auth::SigningKeys* signing_keys = nullptr;
  // api_calls counted per tenant and day (USAGE_METERING_ENABLED); null: not counted.
  UsageMeter* usage_meter = nullptr;
  // When each API key was last used, flushed like the usage counts; null: not recorded.
  ApiKeyUse* api_key_use = nullptr;
  // KEK_FILE's keys and the tenants' unwrapped data keys: seal and open secret configuration.
  // nullptr or not configured(): secrets are refused (secrets_unavailable), never stored in clear.
  crypto::TenantKeys* tenant_keys = nullptr;
  // live events (GET /v1/admin/events, GET /v1/tenant-status/{id}/events); null: not served
  EventHub* events = nullptr;
};

}  // namespace tenantd
