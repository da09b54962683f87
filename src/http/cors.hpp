#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tenantd {

// CORS (the Fetch standard's CORS protocol) for browser front ends on a tenant's own origins.
//
// Which origin may call: an origin of CORS_ALLOWED_ORIGINS (the platform's dashboard) on every
// route; an origin a tenant allowed (PUT /v1/allowed-origins) on requests that name that tenant
// before any authentication, by the path (/v1/tenants/{tenant}/…) or the Host (its subdomain of
// BASE_DOMAIN or a verified custom domain): those are what a preflight, which carries no
// credentials, can see. When a request names the tenant twice (path and Host) both must allow
// it. The token's tenant claim and the tenant header play no part: the preflight has neither.
//
// A tenant's answer comes from the database (tenantd.allowed_origin) and is kept per
// (reference, origin) for CORS_CACHE_SECONDS in this process, negative answers too, so most
// requests cost no statement; a change reaches every process within that time. A lookup that
// fails (database unavailable) is "not allowed" and not kept: fail closed.
class Cors {
 public:
  using Clock = std::chrono::steady_clock;
  // tenant reference, origin → allowed (may throw: not allowed, nothing kept)
  using Lookup = std::function<bool(const std::string&, const std::string&)>;

  Cors(std::vector<std::string> platform_origins, int cache_seconds, Lookup lookup,
       size_t max_entries = 10000);

  // May a page on `origin` (the request's Origin header, as sent) call a route naming `refs`?
  bool allowed(const std::string& origin, const std::vector<std::string>& refs) {
    return allowed(origin, refs, Clock::now());
  }
  bool allowed(const std::string& origin, const std::vector<std::string>& refs, Clock::time_point now);

  // The tenant references a request names before authentication: the path's {tenant}, the
  // Host's subdomain of base_domain (when subdomains are enabled) or its custom domain. A
  // reference that is malformed is kept as "" (allowing nothing).
  static std::vector<std::string> request_refs(const std::string* path_tenant, const std::string* host,
                                               const std::string& base_domain, bool subdomains,
                                               const std::vector<std::string>& api_hostnames);

  // Headers of an answer to an allowed origin's actual request.
  static void add_response_headers(std::map<std::string, std::string>& headers, const std::string& origin);
  // Headers of the 204 answer to an allowed origin's preflight: the methods of the path, the
  // request headers a front end sends (Authorization, Content-Type, Idempotency-Key,
  // X-Request-Id, the tenant header), how long the browser may keep the answer.
  static void add_preflight_headers(std::map<std::string, std::string>& headers, const std::string& origin,
                                    const std::vector<std::string>& methods, const std::string& tenant_header,
                                    int max_age_seconds);

  size_t cached_entries();

 private:
  struct Entry {
    bool allowed;
    Clock::time_point expires;
  };
  bool tenant_allows(const std::string& ref, const std::string& origin, Clock::time_point now);
  std::vector<std::string> platform_;
  std::chrono::seconds ttl_;
  Lookup lookup_;
  size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace tenantd
