#include "http/cors.hpp"

#include <algorithm>

#include "http/tenant_resolution.hpp"
#include "util/hostname.hpp"
#include "util/origin.hpp"

namespace tenantd {

Cors::Cors(std::vector<std::string> platform_origins, int cache_seconds, Lookup lookup, size_t max_entries)
    : platform_(std::move(platform_origins)),
      ttl_(cache_seconds),
      lookup_(std::move(lookup)),
      max_entries_(max_entries) {}

bool Cors::allowed(const std::string& origin, const std::vector<std::string>& refs, Clock::time_point now) {
  // Only the exact form a browser sends can match anything (and only it is looked up).
  if (!util::is_canonical_origin(origin)) return false;
  if (std::find(platform_.begin(), platform_.end(), origin) != platform_.end()) return true;
  if (refs.empty()) return false;
  for (const auto& ref : refs) {
    if (ref.empty() || !tenant_allows(ref, origin, now)) return false;
  }
  return true;
}

bool Cors::tenant_allows(const std::string& ref, const std::string& origin, Clock::time_point now) {
  const std::string key = ref + '\n' + origin;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) return it->second.allowed;
  }
  bool ok = false;
  try {
    ok = lookup_(ref, origin);
  } catch (...) {
    return false;  // fail closed, and ask again next time
  }
  if (ttl_.count() <= 0) return ok;
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= max_entries_) {
    // Bounded: drop what has expired; if that is not enough (many origins tried within one
    // TTL), start over rather than grow.
    for (auto it = cache_.begin(); it != cache_.end();)
      it = it->second.expires <= now ? cache_.erase(it) : ++it;
    if (cache_.size() >= max_entries_) cache_.clear();
  }
  cache_[key] = Entry{ok, now + ttl_};
  return ok;
}

size_t Cors::cached_entries() {
  std::lock_guard<std::mutex> lock(mu_);
  return cache_.size();
}

std::vector<std::string> Cors::request_refs(const std::string* path_tenant, const std::string* host,
                                            const std::string& base_domain, bool subdomains,
                                            const std::vector<std::string>& api_hostnames) {
  std::vector<std::string> refs;
  if (path_tenant) refs.push_back(canonical_tenant_ref(*path_tenant).value_or(""));
  if (host) {
    std::optional<std::string> h;
    if (subdomains) h = tenant_from_host(*host, base_domain);
    if (!h) h = util::custom_domain_from_host(*host, base_domain, api_hostnames);
    if (h) refs.push_back(*h);
  }
  return refs;
}

void Cors::add_response_headers(std::map<std::string, std::string>& headers, const std::string& origin) {
  headers["Access-Control-Allow-Origin"] = origin;
  headers["Access-Control-Expose-Headers"] =
      "X-Request-Id, RateLimit, RateLimit-Policy, Retry-After, Location";
}

void Cors::add_preflight_headers(std::map<std::string, std::string>& headers, const std::string& origin,
                                 const std::vector<std::string>& methods, const std::string& tenant_header,
                                 int max_age_seconds) {
  headers["Access-Control-Allow-Origin"] = origin;
  std::string m;
  for (const auto& x : methods) m += (m.empty() ? "" : ", ") + x;
  headers["Access-Control-Allow-Methods"] = m;
  headers["Access-Control-Allow-Headers"] =
      "Authorization, Content-Type, Idempotency-Key, X-Request-Id, " + tenant_header;
  headers["Access-Control-Max-Age"] = std::to_string(max_age_seconds);
}

}  // namespace tenantd
