#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace tenantd {

// api_calls per tenant per UTC day, counted in memory (issue 10: no database write per
// request). The service flushes it at most every USAGE_FLUSH_SECONDS and once more at shutdown,
// after the last request has been answered, each time in one statement
// (db::record_api_calls → tenantd.record_api_calls). Counts taken for a flush that fails are put
// back, so they go with the next one.
class UsageMeter {
 public:
  // One call of `tenant_id` (canonical uuid) on `day` ('YYYY-MM-DD', UTC).
  void add(const std::string& tenant_id, const std::string& day, int64_t n = 1);
  // Today in UTC, as add() takes it.
  static std::string utc_day();
  // Takes every count out as the JSON array tenantd.record_api_calls reads:
  // [{"tenant_id": …, "day": …, "count": n}, …]; "" when there is nothing to flush.
  std::string take_json();
  // Puts counts back (a failed flush): the JSON take_json() gave.
  void put_back(const std::string& json);
  int64_t pending() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, int64_t> counts_;
};

}  // namespace tenantd
