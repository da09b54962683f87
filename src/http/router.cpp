#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "util/percent_encoding.hpp"

namespace tenantd {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::call(const std::string& method, const std::string& pattern, Scope scope,
                  const std::string& function, ArgsFn args, RouteOptions options) {
  if (!db::is_api_function_name(function))
    throw std::logic_error("route " + pattern + ": not an api function");
  routes_.push_back(
      Route{method, pattern, split_path(pattern), scope, function, std::move(args), nullptr, options});
}

void Router::call_tenant(const std::string& method, const std::string& suffix, const std::string& function,
                         ArgsFn args, RouteOptions options) {
  call(method, "/v1" + suffix, Scope::kTenant, function, args, options);
  call(method, "/v1/tenants/{tenant}" + suffix, Scope::kTenant, function, args, options);
}

void Router::add(const std::string& method, const std::string& pattern, Scope scope, HandlerFn fn,
                 RouteOptions options) {
  routes_.push_back(Route{method, pattern, split_path(pattern), scope, "", nullptr, std::move(fn), options});
}

void Router::add_tenant(const std::string& method, const std::string& suffix, HandlerFn fn,
                        RouteOptions options) {
  add(method, "/v1" + suffix, Scope::kTenant, fn, options);
  add(method, "/v1/tenants/{tenant}" + suffix, Scope::kTenant, fn, options);
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch best;
  const auto segs = split_path(path);
  // A trailing slash or an empty segment is a different resource; refuse rather than guess.
  if (path.empty() || path[0] != '/' || path.find("//") != std::string::npos ||
      (path.size() > 1 && path.back() == '/')) {
    return best;
  }
  int best_literals = -1;
  int best_path_literals = -1;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segs[i];  // decoded below, once the route won
      } else if (p == segs[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    // Literal segments win over parameters (/v1/tenants/stats before /v1/tenants/{id}).
    if (literals > best_path_literals) {
      best_path_literals = literals;
      best.allowed.clear();
      best.route = nullptr;
      best_literals = -1;
    } else if (literals < best_path_literals) {
      continue;
    }
    if (std::find(best.allowed.begin(), best.allowed.end(), r.method) == best.allowed.end()) {
      best.allowed.push_back(r.method);
    }
    if (r.method == method && literals > best_literals) {
      best.route = &r;
      best.params = std::move(params);
      best_literals = literals;
    }
  }
  for (auto it = best.params.begin(); it != best.params.end();) {
    auto decoded = util::percent_decode(it->second);
    if (!decoded) {
      best.bad_param = it->first;
      it = best.params.erase(it);
    } else {
      it->second = std::move(*decoded);
      ++it;
    }
  }
  return best;
}

}  // namespace tenantd
