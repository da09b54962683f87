#pragma once
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

namespace tenantd::util {

// A Prometheus histogram with fixed upper bounds (seconds), thread-safe. The counts are kept per
// bucket and made cumulative when rendered, as the text format wants them.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  // The _bucket, _sum and _count lines of `name` with `labels` (already rendered, e.g.
  // `route="/v1/users",method="GET"`, or empty).
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // one per bound, plus +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Bucket bounds in seconds shared by the service's histograms.
const std::vector<double>& request_seconds_buckets();    // HTTP requests, 1 ms .. 10 s
const std::vector<double>& pool_wait_seconds_buckets();  // waiting for a pooled connection, 0.1 ms .. 5 s

// A Prometheus number: integers without a fraction, +Inf/-Inf/NaN spelled as the format wants.
std::string prometheus_number(double v);
// A label value escaped for the text format (backslash, double quote, newline).
std::string prometheus_label_value(const std::string& v);

}  // namespace tenantd::util
