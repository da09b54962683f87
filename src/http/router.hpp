#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_context.hpp"

namespace tenantd {

enum class Scope {
  kPublic,         // no token
  kAuthenticated,  // a verified token; the tenant is optional (super admins may have none)
  kTenant,         // a verified token and a resolved tenant
};

using HandlerFn = std::function<Response(RequestContext&)>;

// Per-client-address limits the dispatcher applies before it reads the body (App::run). Each
// class has its own budget (LOGIN_RATE_PER_MINUTE, ACCEPT_RATE_PER_MINUTE, SIGNUP_RATE_PER_MINUTE).
enum class RateLimit { kNone, kLogin, kAccept, kSignup };

// Route options beyond scope: declared at registration, acted on once, in the dispatcher.
struct RouteOptions {
  RateLimit rate_limit = RateLimit::kNone;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Scope scope;
  HandlerFn fn;
  RouteOptions options;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;  // percent-decoded
  std::string bad_param;  // a parameter whose segment had a malformed percent-escape (params lacks it)
  std::vector<std::string> allowed;  // methods of routes whose path matched (for 405)
};

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Scope scope, HandlerFn fn,
           RouteOptions options = {});
  // Registers both spellings of DESIGN §7: /v1{suffix} and /v1/tenants/{tenant}{suffix}.
  void add_tenant(const std::string& method, const std::string& suffix, HandlerFn fn);
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace tenantd
