#include "http/tenant_rate_limit.hpp"

#include <rapidjson/document.h>

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

std::optional<TenantRateLimits::Policy> TenantRateLimits::cached(const std::string& key,
                                                                 Clock::time_point now) {
  std::lock_guard<std::mutex> lk(mu_);
  if (auto* c = find(policies_, key); c && c->expires > now) return c->policy;
  return std::nullopt;
}

void TenantRateLimits::remember(const std::string& key, const Policy& p, Clock::time_point now) {
  if (!p.cacheable) return;
  std::lock_guard<std::mutex> lk(mu_);
  insert(policies_, key, Cached{p, now + kTtl});
}

TenantRateLimits::Policy TenantRateLimits::policy(const std::string& key,
                                                  const std::function<Policy()>& fetch,
                                                  Clock::time_point now) {
  if (auto p = cached(key, now)) return *p;
  // fetched outside the lock: a database round trip must not hold up other tenants
  Policy p = fetch();
  remember(key, p, now);
  return p;
}

void TenantRateLimits::note_reference(const std::string& ref, const Policy& p) {
  if (ref.empty() || p.tenant_id.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  insert(references_, ref, p);
}

std::optional<TenantRateLimits::Decision> TenantRateLimits::peek_reference(const std::string& ref,
                                                                           Clock::time_point now) {
  std::lock_guard<std::mutex> lk(mu_);
  const Policy* p = find(references_, ref);
  if (!p || p->per_minute <= 0) return std::nullopt;
  const Bucket* b = find(buckets_, p->tenant_id);
  if (!b || b->capacity != p->per_minute) return std::nullopt;
  const double per_second = p->per_minute / 60.0;
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b->updated).count());
  const double tokens = std::min<double>(p->per_minute, b->tokens + elapsed * per_second);
  Decision d;
  d.limit = p->per_minute;
  d.allowed = tokens >= 1.0;
  if (!d.allowed) d.retry_after = std::max(1, static_cast<int>(std::ceil((1.0 - tokens) / per_second)));
  d.remaining = static_cast<int>(std::floor(tokens));
  d.reset_seconds = static_cast<int>(std::ceil((p->per_minute - tokens) / per_second));
  return d;
}

TenantRateLimits::Policy TenantRateLimits::parse(const std::string& json) {
  Policy p;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("tenant_id") || !d["tenant_id"].IsString()) return p;
  p.tenant_id = d["tenant_id"].GetString();
  if (d.HasMember("requests_per_minute") && d["requests_per_minute"].IsInt())
    p.per_minute = std::max(0, d["requests_per_minute"].GetInt());
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
