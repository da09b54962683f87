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

 private:
  struct Series {
    uint64_t count = 0;
    double seconds = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, Series> series_;
};

Metrics& metrics();

}  // namespace tenantd
