#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace tenantd {

// Request counters for /metrics (Prometheus text format 0.0.4). Labels are the route template
// (never the raw path: bounded cardinality, no ids), the method and the status.
class Metrics {
 public:
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // The exposition text; `extra` is appended as is (gauges the caller knows).
  std::string render(const std::string& extra) const;
  // Outcomes of custom-domain DNS checks (tenantd.record_domain_check's word: verified, pending,
  // failed, expired, taken, rechecked, recheck_failed, unverified, stale).
  void count_domain_check(const std::string& outcome);

 private:
  struct Series {
    uint64_t count = 0;
    double seconds = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, Series> series_;
  std::map<std::string, uint64_t> domain_checks_;
};

Metrics& metrics();

}  // namespace tenantd
