#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace tenantd {

// The per-tenant API rate limit (issue 10): requests per minute from the tenant's plan, counted
// in the process by a token bucket per tenant, with no database write per request.
//
// The limit and the checked tenant id come from the database (api.rate_limit_policy, through
// tenantd.enter) once per (tenant reference, principal) and kTtl, then from this cache: a
// principal draws on a tenant's bucket only after the database has accepted it in that tenant,
// so a stranger naming a tenant cannot use up its requests. A plan change reaches the process
// within kTtl.
//
// With N processes behind a load balancer each counts on its own: a tenant gets up to N times
// its limit in total (docs/api/entitlements-quotas-usage.md).
class TenantRateLimits {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kTtl{60};

  struct Policy {
    std::string tenant_id;  // canonical uuid; empty: the database did not accept the principal
    int per_minute = 0;     // 0: unlimited
    bool cacheable = true;  // false: a transient failure, asked again on the next request
  };
  // A bucket's state after taking a token (or failing to).
  struct Decision {
    bool allowed = true;
    int limit = 0;          // the policy's quota per window (q)
    int remaining = 0;      // whole tokens left (r)
    int reset_seconds = 0;  // until the bucket is full again (t)
    int retry_after = 0;    // refused: until the next token
  };

  explicit TenantRateLimits(size_t max_entries = 100000);

  // The cached policy for `key`, or fetch() (which may throw: nothing is cached then).
  Policy policy(const std::string& key, const std::function<Policy()>& fetch) {
    return policy(key, fetch, Clock::now());
  }
  Policy policy(const std::string& key, const std::function<Policy()>& fetch, Clock::time_point now);

  // The cached policy for `key`, if one is still fresh; and remembering one found elsewhere (in
  // the request's own statement, tenantd.current_rate_limit()). policy() is these two around fetch.
  std::optional<Policy> cached(const std::string& key, Clock::time_point now = Clock::now());
  void remember(const std::string& key, const Policy& p, Clock::time_point now = Clock::now());

  // What a tenant reference (a slug, id or hostname as the request spelled it) was last found
  // to name by a principal the database accepted, and whether that tenant's bucket is empty now:
  // a request whose own principal is not checked yet is refused when it is (peek() takes no
  // token, so a stranger naming the tenant spends none of its requests either).
  void note_reference(const std::string& ref, const Policy& p);
  std::optional<Decision> peek_reference(const std::string& ref, Clock::time_point now = Clock::now());

  // The policy in the JSON tenantd.current_rate_limit() answers ({"tenant_id", "requests_per_minute"});
  // anything else is no policy (an empty tenant id).
  static Policy parse(const std::string& json);

  // One request of `tenant_id` under a limit of `per_minute` (> 0): a bucket holds up to
  // per_minute tokens and regains per_minute/60 a second.
  Decision take(const std::string& tenant_id, int per_minute) {
    return take(tenant_id, per_minute, Clock::now());
  }
  Decision take(const std::string& tenant_id, int per_minute, Clock::time_point now);

  // The header values of the IETF RateLimit draft (draft-ietf-httpapi-ratelimit-headers):
  // RateLimit-Policy: "tenant";q=<limit>;w=60 and RateLimit: "tenant";r=<remaining>;t=<reset>.
  static std::string policy_header(const Decision& d);
  static std::string state_header(const Decision& d);

 private:
  template <typename V>
  struct Lru {
    std::unordered_map<std::string, std::pair<V, std::list<std::string>::iterator>> map;
    std::list<std::string> order;  // most recently used first
  };
  struct Cached {
    Policy policy;
    Clock::time_point expires;
  };
  struct Bucket {
    double tokens;
    int capacity;
    Clock::time_point updated;
  };
  template <typename V>
  V* find(Lru<V>& lru, const std::string& key);
  template <typename V>
  V& insert(Lru<V>& lru, const std::string& key, V value);

  const size_t max_entries_;
  std::mutex mu_;
  Lru<Cached> policies_;
  Lru<Bucket> buckets_;
  Lru<Policy> references_;
};

}  // namespace tenantd
