#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "auth/jwt.hpp"
#include "http/client_address.hpp"
#include "http/cors.hpp"
#include "http/rate_limit.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"
#include "http/tenant_rate_limit.hpp"

namespace tenantd {

// A request as the boundary sees it, independent of Pistache (so dispatch is testable).
struct IncomingRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;    // still percent-encoded; App decodes
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;  // peer address
};

// The dispatcher: matches the route, checks the request text, applies the per-client limits,
// parses the body, authenticates, resolves the tenant references, builds the context and, for
// a route of the table that calls an api.* function, makes that one call. It owns the pipe:
// handlers only validate and convert input. Every exception becomes a problem+json answer here,
// its status from the one problem table.
class App {
 public:
  App(Services& svc, Router& router, const auth::JwtVerifier& verifier);
  // The one boundary: every exception becomes a problem+json response here.
  Response dispatch(const IncomingRequest& in);

 private:
  Response run(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log,
               std::map<std::string, std::string>& tenant_headers);
  // The per-tenant rate limit and the api_calls count of a request that names a tenant; sets
  // the RateLimit headers, throws rate_limited (429) when the tenant's bucket is empty.
  // With the principal's policy cached, that happens here, before the request's call. Without,
  // and when `call_carries_policy` (the route's one api.* call), it returns the cache key: the
  // call answers the policy too (tenantd.current_rate_limit(), no round trip of its own) and
  // settle_limit() takes the request's token after it. Otherwise the policy is fetched here
  // (api.rate_limit_policy, a statement of its own once per principal and minute).
  std::string limit_and_count(const RequestContext& ctx, std::map<std::string, std::string>& tenant_headers,
                              bool call_carries_policy);
  // After the call that carried the policy (policy_json; empty: the call was refused and the
  // policy is fetched on its own, so that refused requests are limited and counted too).
  void settle_limit(const RequestContext& ctx, const std::string& key, const std::string& policy_json,
                    std::map<std::string, std::string>& tenant_headers, bool may_refuse);
  // Takes the request's token from the tenant's bucket and counts the call; `may_refuse`: throw
  // rate_limited when the bucket is empty (false after the request already ran).
  void apply_limit(const TenantRateLimits::Policy& p, std::map<std::string, std::string>& tenant_headers,
                   bool may_refuse);
  // 429 rate_limited with the RateLimit headers of `d` and Retry-After.
  [[noreturn]] void refuse_limit(const TenantRateLimits::Decision& d,
                                 std::map<std::string, std::string>& tenant_headers);
  // A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method): answered without
  // authentication, 204 with the CORS headers for an allowed origin, 403 origin_not_allowed
  // without them otherwise (http/cors.hpp).
  Response preflight(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log);
  void note_api_key_use(const RequestContext& ctx);
  Services& svc_;
  Router& router_;
  const auth::JwtVerifier& verifier_;
  std::vector<Cidr> trusted_proxies_;  // TRUSTED_PROXIES
  RateLimiter login_limit_, accept_limit_, signup_limit_, domain_ask_limit_;
  TenantRateLimits tenant_limits_;  // TENANT_RATE_LIMIT_ENABLED
  Cors cors_;                       // CORS_ALLOWED_ORIGINS and the tenants' allowed origins
};

}  // namespace tenantd
