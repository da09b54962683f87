// The text the /metrics renderers write: cumulative buckets, +Inf last, escaped labels, and the
// database's rows put in family order whatever order they come in.
#include <gtest/gtest.h>

#include "http/metrics.hpp"
#include "util/histogram.hpp"

namespace tenantd {
namespace {

TEST(HistogramRender, BucketsAreCumulativeWithInfSumAndCount) {
  util::Histogram h({0.1, 1});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: le is inclusive
  h.observe(0.5);
  h.observe(7);
  std::string out;
  h.render(out, "x_seconds", "route=\"/v1/users/{id}\"");
  EXPECT_EQ(out,
            "x_seconds_bucket{route=\"/v1/users/{id}\",le=\"0.1\"} 2\n"
            "x_seconds_bucket{route=\"/v1/users/{id}\",le=\"1\"} 3\n"
            "x_seconds_bucket{route=\"/v1/users/{id}\",le=\"+Inf\"} 4\n"
            "x_seconds_sum{route=\"/v1/users/{id}\"} 7.65\n"
            "x_seconds_count{route=\"/v1/users/{id}\"} 4\n");
}

TEST(HistogramRender, LabelValuesAreEscaped) {
  EXPECT_EQ(util::prometheus_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(util::prometheus_number(3), "3");
  EXPECT_EQ(util::prometheus_number(0.25), "0.25");
}

TEST(DatabaseSamples, FamiliesInOrderBucketsAscendingInfLast) {
  const std::vector<db::MetricSample> rows = {
      {"tenantd_job_duration_seconds_count", R"({"kind": "a"})", 2},
      {"tenantd_job_duration_seconds_bucket", R"({"le": "+Inf", "kind": "a"})", 2},
      {"tenantd_job_duration_seconds_bucket", R"({"le": "10", "kind": "a"})", 2},
      {"tenantd_job_duration_seconds_bucket", R"({"le": "0.5", "kind": "a"})", 1},
      {"tenantd_job_duration_seconds_sum", R"({"kind": "a"})", 3.5},
      {"tenantd_workers_alive", "{}", 2},
      {"tenantd_webhook_events", R"({"type": "x\"y", "outcome": "failed"})", 1},
  };
  const std::string out = render_database_samples(rows);
  // the rows' families in order, then the families without rows, declared only
  EXPECT_EQ(
      out.substr(0, out.find("# HELP tenantd_jobs ")),
      "# HELP tenantd_job_duration_seconds Time a job attempt took in its worker, by kind.\n"
      "# TYPE tenantd_job_duration_seconds histogram\n"
      "tenantd_job_duration_seconds_bucket{kind=\"a\",le=\"0.5\"} 1\n"
      "tenantd_job_duration_seconds_bucket{kind=\"a\",le=\"10\"} 2\n"
      "tenantd_job_duration_seconds_bucket{kind=\"a\",le=\"+Inf\"} 2\n"
      "tenantd_job_duration_seconds_sum{kind=\"a\"} 3.5\n"
      "tenantd_job_duration_seconds_count{kind=\"a\"} 2\n"
      "# HELP tenantd_webhook_events Identity-provider events kept (webhook retention window), by type and "
      "outcome (processing, completed, failed); unapplied types count as 'other'.\n"
      "# TYPE tenantd_webhook_events gauge\n"
      "tenantd_webhook_events{outcome=\"failed\",type=\"x\\\"y\"} 1\n"
      "# HELP tenantd_workers_alive Worker threads that reported within the last 60 seconds (all "
      "processes).\n"
      "# TYPE tenantd_workers_alive gauge\n"
      "tenantd_workers_alive 2\n");
  EXPECT_NE(out.find("# TYPE tenantd_jobs_finished_total counter\n"), std::string::npos) << out;
  EXPECT_NE(out.find("# TYPE tenantd_provisioning_duration_seconds histogram\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("# TYPE tenantd_workers_alive", out.find("tenantd_workers_alive 2")), std::string::npos)
      << "a family with rows is declared once";
}

}  // namespace
}  // namespace tenantd
