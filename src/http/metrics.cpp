#include "http/metrics.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>

#include "auth/password.hpp"

namespace tenantd {

Metrics& metrics() {
  static Metrics m;
  return m;
}

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  util::Histogram* h = nullptr;
  {
    std::lock_guard<std::mutex> lk(mu_);
    ++series_[{method, route, status}].count;
    auto& slot = durations_[{method, route}];
    if (!slot) slot = std::make_unique<util::Histogram>(util::request_seconds_buckets());
    h = slot.get();  // never removed, so the pointer stays valid
  }
  h->observe(seconds);
}

void Metrics::count_domain_check(const std::string& outcome) {
  std::lock_guard<std::mutex> lk(mu_);
  ++domain_checks_[outcome];
}

void Metrics::count_quota_refusal(const std::string& metric) {
  std::lock_guard<std::mutex> lk(mu_);
  ++quota_refusals_[metric];
}

void Metrics::count_webhook_delivery(const std::string& outcome) {
  std::lock_guard<std::mutex> lk(mu_);
  ++webhook_deliveries_[outcome];
}

std::string Metrics::render(const std::string& extra) const {
  using util::prometheus_label_value;
  std::string out;
  out +=
      "# HELP tenantd_http_requests_total HTTP requests by route template, method and status.\n"
      "# TYPE tenantd_http_requests_total counter\n";
  std::lock_guard<std::mutex> lk(mu_);
  for (const auto& [key, s] : series_) {
    out += "tenantd_http_requests_total{method=\"" + prometheus_label_value(std::get<0>(key)) +
           "\",route=\"" + prometheus_label_value(std::get<1>(key)) + "\",status=\"" +
           std::to_string(std::get<2>(key)) + "\"} " + std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP tenantd_http_request_duration_seconds Time spent answering, by route template and method.\n"
      "# TYPE tenantd_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : durations_) {
    h->render(out, "tenantd_http_request_duration_seconds",
              "method=\"" + prometheus_label_value(key.first) + "\",route=\"" +
                  prometheus_label_value(key.second) + "\"");
  }
  out +=
      "# HELP tenantd_password_hashes_total Password hashes (scrypt derivations) computed by this process.\n"
      "# TYPE tenantd_password_hashes_total counter\n"
      "tenantd_password_hashes_total " +
      std::to_string(auth::password_hashes_total()) + "\n";
  out +=
      "# HELP tenantd_domain_checks_total Custom-domain DNS checks by outcome (this process's workers).\n"
      "# TYPE tenantd_domain_checks_total counter\n";
  for (const auto& [outcome, n] : domain_checks_) {
    out += "tenantd_domain_checks_total{outcome=\"" + prometheus_label_value(outcome) + "\"} " +
           std::to_string(n) + "\n";
  }
  out +=
      "# HELP tenantd_quota_refusals_total Requests refused with quota_exceeded, by plan metric.\n"
      "# TYPE tenantd_quota_refusals_total counter\n";
  for (const auto& [metric, n] : quota_refusals_) {
    out += "tenantd_quota_refusals_total{metric=\"" + prometheus_label_value(metric) + "\"} " +
           std::to_string(n) + "\n";
  }
  out +=
      "# HELP tenantd_webhook_deliveries_total Identity-provider deliveries by outcome (accepted, duplicate: "
      "a "
      "redelivery, rejected: signature or timestamp refused).\n"
      "# TYPE tenantd_webhook_deliveries_total counter\n";
  for (const auto& [outcome, n] : webhook_deliveries_) {
    out += "tenantd_webhook_deliveries_total{outcome=\"" + prometheus_label_value(outcome) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += extra;
  return out;
}

namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
};
// The families tenantd.metric_samples answers; a name it does not list is rendered untyped.
const Family kDatabaseFamilies[] = {
    {"tenantd_jobs", "gauge", "Jobs waiting or being worked on now, by kind and state (queued, running)."},
    {"tenantd_jobs_finished_total", "counter",
     "Job attempts finished, by kind and outcome (completed; retried: the queue takes it again; failed: it "
     "gave "
     "up)."},
    {"tenantd_job_duration_seconds", "histogram", "Time a job attempt took in its worker, by kind."},
    {"tenantd_jobs_oldest_queued_seconds", "gauge",
     "Age of the oldest due job still queued (0: none waiting)."},
    {"tenantd_provisioning_duration_seconds", "histogram",
     "From a tenant's creation to the end of its provisioning (queueing included), by outcome."},
    {"tenantd_webhook_events", "gauge",
     "Identity-provider events kept (webhook retention window), by type and outcome (processing, completed, "
     "failed); unapplied types count as 'other'."},
    {"tenantd_workers_alive", "gauge",
     "Worker threads that reported within the last 60 seconds (all processes)."},
};

const Family* family_of(const std::string& name, std::string& base) {
  for (const auto& f : kDatabaseFamilies) {
    const std::string fname = f.name;
    if (name == fname) {
      base = fname;
      return &f;
    }
    if (std::string(f.type) == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (name == fname + suffix) {
          base = fname;
          return &f;
        }
      }
    }
  }
  base = name;
  return nullptr;
}

struct Line {
  std::string base, name, labels, le;  // labels without le, rendered
  double le_value = 0;
  int part = 0;  // histogram: 0 bucket, 1 sum, 2 count
  double value = 0;
};

}  // namespace

std::string render_database_samples(const std::vector<db::MetricSample>& samples) {
  std::vector<Line> lines;
  for (const auto& s : samples) {
    Line l;
    family_of(s.name, l.base);
    l.name = s.name;
    l.value = s.value;
    l.part = s.name.size() > l.base.size() ? (s.name.compare(l.base.size(), 4, "_sum") == 0     ? 1
                                              : s.name.compare(l.base.size(), 6, "_count") == 0 ? 2
                                                                                                : 0)
                                           : 0;
    rapidjson::Document d;
    d.Parse(s.labels_json.c_str());
    if (!d.HasParseError() && d.IsObject()) {
      std::vector<std::pair<std::string, std::string>> kv;
      for (const auto& m : d.GetObject()) {
        if (!m.value.IsString()) continue;
        const std::string k(m.name.GetString(), m.name.GetStringLength());
        const std::string v(m.value.GetString(), m.value.GetStringLength());
        if (k == "le") {
          l.le = v;
          l.le_value = v == "+Inf" ? 1e308 : std::strtod(v.c_str(), nullptr);
        } else {
          kv.emplace_back(k, v);
        }
      }
      std::sort(kv.begin(), kv.end());
      for (const auto& [k, v] : kv) {
        l.labels += (l.labels.empty() ? "" : ",") + k + "=\"" + util::prometheus_label_value(v) + "\"";
      }
    }
    lines.push_back(std::move(l));
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return std::tie(a.base, a.labels, a.part, a.le_value) < std::tie(b.base, b.labels, b.part, b.le_value);
  });
  std::string out;
  std::string current;
  for (const auto& l : lines) {
    if (l.base != current) {
      current = l.base;
      std::string base;
      const Family* f = family_of(l.base, base);
      out += "# HELP " + l.base + " " + (f ? f->help : "tenantd database metric") + "\n";
      out += "# TYPE " + l.base + " " + (f ? f->type : "untyped") + "\n";
    }
    std::string labels = l.labels;
    if (!l.le.empty()) labels += (labels.empty() ? "" : ",") + std::string("le=\"") + l.le + "\"";
    out +=
        l.name + (labels.empty() ? "" : "{" + labels + "}") + " " + util::prometheus_number(l.value) + "\n";
  }
  // the families without rows yet (no job finished, no webhook received) are declared all the
  // same, so that dashboards and alert rules find every name from the first scrape
  for (const auto& f : kDatabaseFamilies) {
    bool seen = false;
    for (const auto& l : lines) seen = seen || l.base == f.name;
    if (!seen)
      out += std::string("# HELP ") + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n";
  }
  return out;
}

}  // namespace tenantd
