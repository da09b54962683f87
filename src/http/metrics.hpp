#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "db/readiness.hpp"
#include "util/histogram.hpp"

namespace tenantd {

// This process's counters for /metrics (Prometheus text format 0.0.4). Labels are the route
// template (never the raw path: bounded cardinality, no ids), the method and the status. What the
// workers count (jobs, provisioning) lives in the database (tenantd.metric_samples), because the
// workers may run in another process.
class Metrics {
 public:
  // One answered request: the counter by status and the duration histogram by route template.
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // The exposition text; `extra` is appended as is (gauges the caller knows).
  std::string render(const std::string& extra) const;
  // Outcomes of custom-domain DNS checks (tenantd.record_domain_check's word: verified, pending,
  // failed, expired, taken, rechecked, recheck_failed, unverified, stale).
  void count_domain_check(const std::string& outcome);
  // A request refused with quota_exceeded, by the plan metric that was used up (members,
  // invitations_per_month, domains, …: tenantd.quota_metrics, a bounded set).
  void count_quota_refusal(const std::string& metric);
  // A delivery to POST /v1/webhooks/identity: accepted (recorded now), duplicate (a redelivery of
  // a recorded event: a no-op) or rejected (signature, timestamp or header refused).
  void count_webhook_delivery(const std::string& outcome);

 private:
  struct Series {
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, Series> series_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<util::Histogram>> durations_;
  std::map<std::string, uint64_t> domain_checks_;
  std::map<std::string, uint64_t> quota_refusals_;
  std::map<std::string, uint64_t> webhook_deliveries_;
};

Metrics& metrics();

// The database's samples (tenantd.metric_samples) in the text format: one HELP/TYPE per family,
// a histogram's buckets in ascending order with +Inf last, then its _sum and _count.
std::string render_database_samples(const std::vector<db::MetricSample>& samples);

}  // namespace tenantd
