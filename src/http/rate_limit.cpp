#include "http/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace tenantd {

RateLimiter::RateLimiter(int per_minute, size_t max_keys)
    : capacity_(std::max(1, per_minute)),
      per_second_(std::max(1, per_minute) / 60.0),
      max_keys_(std::max<size_t>(1, max_keys)) {}

int RateLimiter::acquire(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{capacity_, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(capacity_, b.tokens + elapsed * per_second_);
    b.updated = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second_)));
}

size_t RateLimiter::size() const {
  std::lock_guard<std::mutex> lk(mu_);
  return buckets_.size();
}

}  // namespace tenantd
