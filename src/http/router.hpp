#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/api_call.hpp"
#include "http/request_context.hpp"

namespace tenantd {

enum class Scope {
  kPublic,         // no token
  kAuthenticated,  // a verified token; the tenant is optional (super admins may have none)
  kTenant,         // a verified token and a resolved tenant
};

// A handler that answers by itself: the few routes that do not end in one api.* call
// (health, metrics, readiness; login's two calls around the password KDF; webhook receipt on
// the worker's connections). docs/architecture.md lists each with its reason.
using HandlerFn = std::function<Response(RequestContext&)>;

// The usual handler: validates and converts the request (path, query, body) into the
// arguments of the route's api.* function, after the context; the dispatcher makes the call.
// It never touches a connection. Throws ApiError for input it refuses.
using ArgsFn = std::function<std::vector<db::Arg>(RequestContext&)>;

// Per-client-address limits the dispatcher applies before it reads the body (App::run). Each
// class has its own budget (LOGIN_RATE_PER_MINUTE, ACCEPT_RATE_PER_MINUTE, SIGNUP_RATE_PER_MINUTE,
// DOMAIN_ASK_RATE_PER_MINUTE).
enum class RateLimit { kNone, kLogin, kAccept, kSignup, kDomainAsk };

// A route that answers with Server-Sent Events (http/event_stream.cpp): its api.* call is the
// stream's opening (replay, snapshot), made after the stream has subscribed to the event hub.
// kOperator: every event; kTenantStatus: the status events of the tenant the handler names
// (ctx.tenant_id), in the public status shape.
enum class EventStream { kNone, kOperator, kTenantStatus };

// Route options beyond scope: declared once in the route table (api/route_table.cpp), acted
// on once, by the dispatcher (rate limits, idempotency keys) or by tenantd.enter in the same
// statement (permission, allow_inactive).
struct RouteOptions {
  RateLimit rate_limit = RateLimit::kNone;
  // The permission the route needs (tenantd.has_permission); empty: decided by the function.
  std::string permission;
  // The route manages suspended or deleted tenants (else 403 tenant_suspended).
  bool allow_inactive = false;
  // Honours Idempotency-Key: the function replays a stored answer or stores its own, in the
  // same transaction as the effect.
  bool idempotent = false;
  // Runs on the api.* call's answer before it goes out (the config routes open sealed secrets
  // here: crypto/tenant_keys.hpp). May throw ApiError.
  std::function<void(RequestContext&, db::Reply&)> reply_filter;
  EventStream stream = EventStream::kNone;

  RouteOptions& needs(std::string p) {
    permission = std::move(p);
    return *this;
  }
  RouteOptions& inactive_ok() {
    allow_inactive = true;
    return *this;
  }
  RouteOptions& with_idempotency_key() {
    idempotent = true;
    return *this;
  }
  RouteOptions& filtered(std::function<void(RequestContext&, db::Reply&)> f) {
    reply_filter = std::move(f);
    return *this;
  }
  RouteOptions& event_stream(EventStream s) {
    stream = s;
    return *this;
  }
  RouteOptions& limited(RateLimit r) {
    rate_limit = r;
    return *this;
  }
};
inline RouteOptions opts() {
  return {};
}

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Scope scope;
  std::string function;  // api.* function the dispatcher calls with `args`' result, or empty
  ArgsFn args;
  HandlerFn fn;  // when function is empty
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
  // A route that ends in one call of `function` (an api.* name) with the arguments `args` builds.
  void call(const std::string& method, const std::string& pattern, Scope scope, const std::string& function,
            ArgsFn args, RouteOptions options = {});
  // Both spellings of DESIGN §7 for a tenant route: /v1{suffix} and /v1/tenants/{tenant}{suffix}.
  void call_tenant(const std::string& method, const std::string& suffix, const std::string& function,
                   ArgsFn args, RouteOptions options = {});
  // A route whose handler answers by itself (see HandlerFn).
  void add(const std::string& method, const std::string& pattern, Scope scope, HandlerFn fn,
           RouteOptions options = {});
  void add_tenant(const std::string& method, const std::string& suffix, HandlerFn fn,
                  RouteOptions options = {});
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace tenantd
