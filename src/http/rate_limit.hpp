#pragma once
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tenantd {

// Per-client token buckets for the unauthenticated routes that cost the most (a password hash,
// a sign-up): each key holds up to `per_minute` tokens and regains per_minute/60 a second, so
// a client may burst to the limit and then goes at the sustained rate.
//
// In-process: every tenantd process counts on its own (docs/operations.md). Memory is bounded:
// at most `max_keys` buckets; past that the least recently used one is dropped (a dropped key
// starts again with a full bucket, which only ever errs towards letting a request through).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(int per_minute, size_t max_keys = 100000);

  // Takes one token for `key`. Returns 0 when allowed, else the whole seconds (>= 1) until a
  // token is available again (the Retry-After value).
  int acquire(const std::string& key) { return acquire(key, Clock::now()); }
  int acquire(const std::string& key, Clock::time_point now);  // for tests
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator lru;
  };
  const double capacity_;
  const double per_second_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // most recently used first
};

}  // namespace tenantd
