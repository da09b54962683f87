#include "http/usage_meter.hpp"

#include <rapidjson/document.h>

#include <ctime>

#include "util/json.hpp"

namespace tenantd {

void UsageMeter::add(const std::string& tenant_id, const std::string& day, int64_t n) {
  std::lock_guard<std::mutex> lk(mu_);
  counts_[{tenant_id, day}] += n;
}

std::string UsageMeter::utc_day() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string UsageMeter::take_json() {
  std::map<std::pair<std::string, std::string>, int64_t> taken;
  {
    std::lock_guard<std::mutex> lk(mu_);
    taken.swap(counts_);
  }
  if (taken.empty()) return "";
  util::JsonOut j;
  j.writer().StartArray();
  for (const auto& [key, n] : taken) {
    j.begin_object().str("tenant_id", key.first).str("day", key.second).integer("count", n).end_object();
  }
  j.writer().EndArray();
  return j.take();
}

void UsageMeter::put_back(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsArray()) return;
  for (const auto& e : d.GetArray()) {
    if (e.IsObject() && e.HasMember("tenant_id") && e.HasMember("day") && e.HasMember("count") &&
        e["tenant_id"].IsString() && e["day"].IsString() && e["count"].IsInt64()) {
      add(e["tenant_id"].GetString(), e["day"].GetString(), e["count"].GetInt64());
    }
  }
}

int64_t UsageMeter::pending() const {
  std::lock_guard<std::mutex> lk(mu_);
  int64_t total = 0;
  for (const auto& [key, n] : counts_) total += n;
  return total;
}

}  // namespace tenantd
