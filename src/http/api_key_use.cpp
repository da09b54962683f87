#include "http/api_key_use.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>

#include "util/json.hpp"

namespace tenantd {
namespace {

std::string rfc3339_utc(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The inverse of rfc3339_utc for what take_json wrote; -1 for anything else.
int64_t parse_rfc3339_utc(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') return -1;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

void ApiKeyUse::note(const std::string& key_hash, int64_t unix_seconds) {
  std::lock_guard<std::mutex> lk(mu_);
  int64_t& at = last_[key_hash];
  at = std::max(at, unix_seconds);
}

std::string ApiKeyUse::take_json() {
  std::map<std::string, int64_t> taken;
  {
    std::lock_guard<std::mutex> lk(mu_);
    taken.swap(last_);
  }
  if (taken.empty()) return "";
  util::JsonOut j;
  j.writer().StartArray();
  for (const auto& [hash, at] : taken)
    j.begin_object().str("key_hash", hash).str("at", rfc3339_utc(at)).end_object();
  j.writer().EndArray();
  return j.take();
}

void ApiKeyUse::put_back(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsArray()) return;
  for (const auto& e : d.GetArray()) {
    if (!e.IsObject() || !e.HasMember("key_hash") || !e.HasMember("at") || !e["key_hash"].IsString() ||
        !e["at"].IsString())
      continue;
    const int64_t at = parse_rfc3339_utc(e["at"].GetString());
    if (at >= 0) note(e["key_hash"].GetString(), at);
  }
}

size_t ApiKeyUse::pending() const {
  std::lock_guard<std::mutex> lk(mu_);
  return last_.size();
}

}  // namespace tenantd
