#include "http/metrics.hpp"

#include <sstream>

#include "auth/password.hpp"

namespace tenantd {

Metrics& metrics() {
  static Metrics m;
  return m;
}

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lk(mu_);
  auto& s = series_[{method, route, status}];
  ++s.count;
  s.seconds += seconds;
}

void Metrics::count_domain_check(const std::string& outcome) {
  std::lock_guard<std::mutex> lk(mu_);
  ++domain_checks_[outcome];
}

std::string Metrics::render(const std::string& extra) const {
  std::ostringstream out;
  out << "# HELP tenantd_http_requests_total HTTP requests by route template, method and status.\n"
      << "# TYPE tenantd_http_requests_total counter\n";
  std::lock_guard<std::mutex> lk(mu_);
  for (const auto& [key, s] : series_) {
    out << "tenantd_http_requests_total{method=\"" << std::get<0>(key) << "\",route=\"" << std::get<1>(key)
        << "\",status=\"" << std::get<2>(key) << "\"} " << s.count << "\n";
  }
  out << "# HELP tenantd_http_request_seconds_sum Time spent answering, by route template, method and "
         "status.\n"
      << "# TYPE tenantd_http_request_seconds_sum counter\n";
  for (const auto& [key, s] : series_) {
    out << "tenantd_http_request_seconds_sum{method=\"" << std::get<0>(key) << "\",route=\""
        << std::get<1>(key) << "\",status=\"" << std::get<2>(key) << "\"} " << s.seconds << "\n";
  }
  out << "# HELP tenantd_password_hashes_total Password hashes (scrypt derivations) computed by this "
         "process.\n"
      << "# TYPE tenantd_password_hashes_total counter\n"
      << "tenantd_password_hashes_total " << auth::password_hashes_total() << "\n";
  out << "# HELP tenantd_domain_checks_total Custom-domain DNS checks by outcome (this process's workers).\n"
      << "# TYPE tenantd_domain_checks_total counter\n";
  for (const auto& [outcome, n] : domain_checks_) {
    out << "tenantd_domain_checks_total{outcome=\"" << outcome << "\"} " << n << "\n";
  }
  out << extra;
  return out.str();
}

}  // namespace tenantd
