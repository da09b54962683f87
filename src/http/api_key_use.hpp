#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace tenantd {

// When each API key was last used, kept in memory so that a request made with a key writes
// nothing: the service flushes it at most every USAGE_FLUSH_SECONDS and once more at shutdown,
// after the last request has been answered, in one statement (db::record_api_key_use →
// tenantd.record_api_key_use). Keys are known here by their SHA-256 only. A flush that fails
// puts its entries back (the newer time wins), so they go with the next one.
class ApiKeyUse {
 public:
  // The key whose SHA-256 (lower-case hex) is `key_hash` was used at `unix_seconds`.
  void note(const std::string& key_hash, int64_t unix_seconds);
  // Takes every entry out as the JSON array tenantd.record_api_key_use reads:
  // [{"key_hash": …, "at": "YYYY-MM-DDTHH:MM:SSZ"}, …]; "" when there is nothing to flush.
  std::string take_json();
  // Puts entries back (a failed flush): the JSON take_json() gave.
  void put_back(const std::string& json);
  size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, int64_t> last_;
};

}  // namespace tenantd
