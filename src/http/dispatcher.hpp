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
  void limit_and_count(const RequestContext& ctx, std::map<std::string, std::string>& tenant_headers);
  // A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method): answered without
  // authentication, 204 with the CORS headers for an allowed origin, 403 origin_not_allowed
  // without them otherwise (http/cors.hpp).
  Response preflight(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log);
  Services& svc_;
  Router& router_;
  const auth::JwtVerifier& verifier_;
  std::vector<Cidr> trusted_proxies_;  // TRUSTED_PROXIES
  RateLimiter login_limit_, accept_limit_, signup_limit_, domain_ask_limit_;
  TenantRateLimits tenant_limits_;  // TENANT_RATE_LIMIT_ENABLED
  Cors cors_;                       // CORS_ALLOWED_ORIGINS and the tenants' allowed origins
};

}  // namespace tenantd
