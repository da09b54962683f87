#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "auth/jwt.hpp"
#include "http/client_address.hpp"
#include "http/rate_limit.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"

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

class App {
 public:
  App(Services& svc, Router& router, const auth::JwtVerifier& verifier);
  // The one boundary: every exception becomes a problem+json response here.
  Response dispatch(const IncomingRequest& in);

 private:
  Response run(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log);
  Services& svc_;
  Router& router_;
  const auth::JwtVerifier& verifier_;
  std::vector<Cidr> trusted_proxies_;  // TRUSTED_PROXIES
  RateLimiter login_limit_, accept_limit_, signup_limit_;
};

// Runs the Pistache endpoint until SIGTERM/SIGINT, then drains and returns.
// `on_started` runs once the signals are blocked and the endpoint listens (threads started
// there inherit the blocked signal mask).
void serve_http(App& app, const std::string& listen_addr, int threads, size_t max_body_bytes,
                const std::function<void()>& on_started = nullptr);

}  // namespace tenantd
