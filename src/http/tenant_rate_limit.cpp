#include "http/tenant_rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace tenantd {

TenantRateLimits::TenantRateLimits(size_t max_entries) : max_entries_(std::max<size_t>(1, max_entries)) {}

template <typename V>
V* TenantRateLimits::find(Lru<V>& lru, const std::string& key) {
  auto it = lru.map.find(key);
  if (it == lru.map.end()) return nullptr;
  lru.order.splice(lru.order.begin(), lru.order, it->second.second);
  return &it->second.first;
}

// Bounded memory: past max_entries the least recently used entry goes (a dropped policy is
// fetched again; a dropped bucket starts full, which only errs towards admitting).
template <typename V>
V& TenantRateLimits::insert(Lru<V>& lru, const std::string& key, V value) {
  if (auto* v = find(lru, key)) return *v = std::move(value);
  if (lru.map.size() >= max_entries_) {
    lru.map.erase(lru.order.back());
    lru.order.pop_back();
  }
  lru.order.push_front(key);
  return lru.map.emplace(key, std::make_pair(std::move(value), lru.order.begin())).first->second.first;
}

TenantRateLimits::Policy TenantRateLimits::policy(const std::string& key,
                                                  const std::function<Policy()>& fetch,
                                                  Clock::time_point now) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (auto* c = find(policies_, key); c && c->expires > now) return c->policy;
  }
  // fetched outside the lock: a database round trip must not hold up other tenants
  Policy p = fetch();
  if (!p.cacheable) return p;
  std::lock_guard<std::mutex> lk(mu_);
  insert(policies_, key, Cached{p, now + kTtl});
  return p;
}

TenantRateLimits::Decision TenantRateLimits::take(const std::string& tenant_id, int per_minute,
                                                  Clock::time_point now) {
  const double per_second = per_minute / 60.0;
  std::lock_guard<std::mutex> lk(mu_);
  Bucket* b = find(buckets_, tenant_id);
  if (!b || b->capacity != per_minute) {
    // a new tenant, or its plan changed: start full at the new size
    b = &insert(buckets_, tenant_id, Bucket{static_cast<double>(per_minute), per_minute, now});
  }
  const double elapsed = std::chrono::duration<double>(now - b->updated).count();
  if (elapsed > 0) {
    b->tokens = std::min<double>(per_minute, b->tokens + elapsed * per_second);
    b->updated = now;
  }
  Decision d;
  d.limit = per_minute;
  if (b->tokens >= 1.0) {
    b->tokens -= 1.0;
  } else {
    d.allowed = false;
    d.retry_after = std::max(1, static_cast<int>(std::ceil((1.0 - b->tokens) / per_second)));
  }
  d.remaining = static_cast<int>(std::floor(b->tokens));
  d.reset_seconds = static_cast<int>(std::ceil((per_minute - b->tokens) / per_second));
  return d;
}

std::string TenantRateLimits::policy_header(const Decision& d) {
  return "\"tenant\";q=" + std::to_string(d.limit) + ";w=60";
}

std::string TenantRateLimits::state_header(const Decision& d) {
  return "\"tenant\";r=" + std::to_string(d.remaining) + ";t=" + std::to_string(d.reset_seconds);
}

}  // namespace tenantd
