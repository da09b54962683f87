#pragma once
#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>

#include "db/tenant_tx.hpp"

namespace tenantd {

namespace db {
class ConnectionPool;
}
namespace util {
struct Config;
}

// The authenticated caller, from a verified token. `role` is the token's claim, not what the
// caller may do: tenantd.enter_context checks it against the database (a membership's current
// role, a registered operator) and db::TenantTx::role() is the effective role. A check on the
// claim before the transaction can only refuse early (a claim never widens the effective role).
struct Principal {
  std::string sub;
  std::string user_id;  // sub when it is a uuid, else empty (operators from an identity provider)
  std::string role;     // claimed role
  std::optional<std::string> tenant_claim;
  bool is_super_admin() const { return role == "super_admin"; }  // claimed; see above
};

// What the service shares with every handler.
struct Services {
  db::ConnectionPool& pool;
  const util::Config& config;
  // Connections as tenantd_worker (WORKER_DATABASE_URL), for the few public routes that hand
  // work to the workers (webhook receipt): the app role may not call those functions.
  db::ConnectionPool* worker_pool = nullptr;
};

struct Response {
  Response() = default;
  Response(int s, std::string b) : status(s), body(std::move(b)) {}
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
};

// Everything a handler needs to know about one request, built by the HTTP boundary.
struct RequestContext {
  Services& svc;
  std::string request_id;
  std::string method;
  std::string path;
  std::string route;  // the matched route template, e.g. /v1/users/{id}
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string client_address;                  // peer IP (scope of public idempotency keys)
  std::string body;
  rapidjson::Document json;  // parsed body (object), when the request had one
  bool has_json = false;
  std::optional<Principal> principal;
  db::TenantContext tenant_ctx;  // refs resolved by the HTTP layer; resolved to an id in the database
  std::string tenant_id;         // set by handlers once the transaction resolved it (for the access log)

  const std::string* param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &it->second;
  }
  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  std::optional<std::string> query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace tenantd
