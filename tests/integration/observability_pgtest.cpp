// /metrics and /readyz with a real tenantd, a real `tenantd worker` and real PostgreSQL: the
// exposition parsed by the reference parser (Debian's python3-prometheus-client,
// tests/tools/prometheus/parse.py), after work that each family must show: a sign-up
// provisioned by the worker, a job that fails for good, requests on templated routes, a quota
// refusal, an identity-provider event.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>

#include "support.hpp"

namespace tenantd::test {
namespace {

const std::string kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// A `tenantd worker` stopped when the test leaves, also through a failed ASSERT: a worker left
// running would take the jobs of the tests after it.
class WorkerGuard {
 public:
  WorkerGuard(const std::map<std::string, std::string>& env, const std::string& log)
      : pid_(spawn_worker(env, log)) {}
  ~WorkerGuard() { stop(); }
  WorkerGuard(const WorkerGuard&) = delete;
  WorkerGuard& operator=(const WorkerGuard&) = delete;
  pid_t pid() const { return pid_; }
  int stop() {
    if (pid_ <= 0) return -1;
    const int status = stop_process(pid_);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

class ObservabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WORKERS", "0"},
                                  {"WEBHOOK_SECRET", kWebhookSecret},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResponse req(const std::string& method, const std::string& path, Headers h = {},
                          const std::string& body = "") {
    if (!body.empty() && !h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  // /metrics through the reference parser; the parsed families as JSON ({"families": {…}}).
  static rapidjson::Document scrape() {
    const auto r = req("GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    const std::string file = "/tmp/tenantd-metrics-" + uniq() + ".txt";
    std::ofstream(file) << r.body;
    const CommandResult p =
        run_command({"/usr/bin/python3", source_dir() + "/tests/tools/prometheus/parse.py", file});
    std::remove(file.c_str());
    EXPECT_EQ(p.exit_code, 0) << p.output << "\n" << r.body;
    rapidjson::Document d = parse(p.output);
    EXPECT_TRUE(d.IsObject() && d.HasMember("families")) << p.output;
    return d;
  }
  // The value of the sample `sample` of family `family` whose labels include `labels` (-1: none).
  static double value(const rapidjson::Document& d, const char* family, const std::string& sample,
                      const std::map<std::string, std::string>& labels = {}) {
    if (!d.IsObject() || !d.HasMember("families") || !d["families"].HasMember(family)) return -1;
    for (const auto& s : d["families"][family]["samples"].GetArray()) {
      if (sample != s[0].GetString()) continue;
      bool all = true;
      for (const auto& [k, v] : labels) {
        all = all && s[1].HasMember(k.c_str()) && v == s[1][k.c_str()].GetString();
      }
      if (all) return s[2].GetDouble();
    }
    return -1;
  }
  static std::string type(const rapidjson::Document& d, const char* family) {
    if (!d.IsObject() || !d.HasMember("families") || !d["families"].HasMember(family)) return "";
    return d["families"][family]["type"].GetString();
  }

  static inline TenantdProcess* server_ = nullptr;
};

TEST_F(ObservabilityTest, MetricsShowJobsProvisioningRequestsQuotasAndWebhooks) {
  const auto before = scrape();
  const double provisioned_before =
      value(before, "tenantd_provisioning_duration_seconds", "tenantd_provisioning_duration_seconds_count",
            {{"outcome", "completed"}});
  // a sign-up, provisioned by a separate worker process: the job counters live in the database
  const std::string slug = "obs-" + uniq();
  auto r = req("POST", "/v1/signup", {},
               R"({"organization_name":"Obs","slug":")" + slug + R"(","plan":"free","admin_email":"a@)" +
                   slug + R"(.example","admin_password":"correct horse battery"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string tenant = str(parse(r.body), "tenant_id");
  WorkerGuard worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "100"}},
                     source_dir() + "/var/observability-worker.log");
  ASSERT_TRUE(wait_for(
      [&] { return q1("select status from tenantd.tenants where id = '" + tenant + "'") == "active"; }));
  // a job that fails for good (an unknown kind, one attempt)
  admin_exec("select tenantd.enqueue_job('obs.unknown_kind', '{}', now(), 1, null)");
  ASSERT_TRUE(wait_for([&] {
    return q1("select count(*) from tenantd.jobs where kind = 'obs.unknown_kind' and state = 'failed'") !=
           "0";
  }));
  // requests on a templated route, and a quota refusal: a tenant whose members limit is reached
  const Seed s = seed_tenant("obsq", 2);
  admin_exec("insert into tenantd.entitlement_overrides (tenant_id, limits) values ('" + s.id +
             "', '{\"members\": 2}')");
  const std::string admin = mint_token(s.user_ids[0], s.id, "tenant_admin");
  ASSERT_EQ(req("GET", "/v1/users/" + s.user_ids[1], bearer(admin)).status, 200);
  const auto refused = req("POST", "/v1/users", bearer(admin),
                           R"({"email":"third@)" + s.slug + R"(.example","role":"member"})");
  ASSERT_EQ(refused.status, 403) << refused.body;
  ASSERT_EQ(str(parse(refused.body), "code"), "quota_exceeded");

  const auto m = scrape();
  worker.stop();
  // jobs: finished by kind and outcome, with a duration histogram
  EXPECT_EQ(type(m, "tenantd_jobs_finished"), "counter");
  EXPECT_GE(value(m, "tenantd_jobs_finished", "tenantd_jobs_finished_total",
                  {{"kind", "tenant.provision"}, {"outcome", "completed"}}),
            1);
  EXPECT_GE(value(m, "tenantd_jobs_finished", "tenantd_jobs_finished_total",
                  {{"kind", "obs.unknown_kind"}, {"outcome", "failed"}}),
            1);
  EXPECT_EQ(type(m, "tenantd_job_duration_seconds"), "histogram");
  EXPECT_GE(value(m, "tenantd_job_duration_seconds", "tenantd_job_duration_seconds_count",
                  {{"kind", "tenant.provision"}}),
            1);
  // provisioning duration: this sign-up counted once more
  EXPECT_EQ(type(m, "tenantd_provisioning_duration_seconds"), "histogram");
  EXPECT_EQ(value(m, "tenantd_provisioning_duration_seconds", "tenantd_provisioning_duration_seconds_count",
                  {{"outcome", "completed"}}),
            (provisioned_before < 0 ? 0 : provisioned_before) + 1);
  // queue gauges and live workers (the worker was still running at the scrape)
  EXPECT_EQ(type(m, "tenantd_workers_alive"), "gauge");
  EXPECT_GE(value(m, "tenantd_workers_alive", "tenantd_workers_alive"), 1);
  EXPECT_EQ(type(m, "tenantd_jobs_oldest_queued_seconds"), "gauge");
  EXPECT_GE(value(m, "tenantd_jobs_oldest_queued_seconds", "tenantd_jobs_oldest_queued_seconds"), 0);
  // requests: duration histogram by route template, never the raw path
  EXPECT_EQ(type(m, "tenantd_http_request_duration_seconds"), "histogram");
  EXPECT_GE(value(m, "tenantd_http_request_duration_seconds", "tenantd_http_request_duration_seconds_count",
                  {{"route", "/v1/users/{id}"}, {"method", "GET"}}),
            1);
  const auto raw = req("GET", "/metrics").body;
  EXPECT_EQ(raw.find(s.user_ids[1]), std::string::npos);
  EXPECT_EQ(raw.find(tenant), std::string::npos);  // no tenant ids in any label
  // pool wait
  EXPECT_EQ(type(m, "tenantd_db_pool_wait_seconds"), "histogram");
  EXPECT_GE(value(m, "tenantd_db_pool_wait_seconds", "tenantd_db_pool_wait_seconds_count", {{"pool", "app"}}),
            1);
  // quota refusals by metric
  EXPECT_GE(value(m, "tenantd_quota_refusals", "tenantd_quota_refusals_total", {{"metric", "members"}}), 1);
  EXPECT_EQ(value(m, "tenantd_database_up", "tenantd_database_up"), 1);
}

// The alert rules of docs/operations.md parse as a rules file and watch only metrics that exist.
TEST_F(ObservabilityTest, AlertRulesInTheRunbookNameExposedMetrics) {
  const std::string file = "/tmp/tenantd-metrics-" + uniq() + ".txt";
  std::ofstream(file) << req("GET", "/metrics").body;
  const CommandResult r =
      run_command({"/usr/bin/python3", source_dir() + "/tests/tools/prometheus/check_rules.py",
                   source_dir() + "/docs/operations.md", file});
  std::remove(file.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("every tenantd metric they name is exposed"), std::string::npos) << r.output;
}

TEST_F(ObservabilityTest, WebhookEventsByTypeAndOutcome) {
  const std::string id = "msg_obs_" + uniq();
  const std::string body = R"({"type":"obs.not_a_provider_type","data":{"id":"x"}})";
  // a signed delivery (Standard Webhooks), signed by an independent implementation (python's hmac)
  const CommandResult sig = run_command(
      {"/usr/bin/python3", "-c",
       "import "
       "base64,hmac,hashlib,sys,time;t=str(int(time.time()));k=base64.b64decode(sys.argv[1].split('_',1)[1]);"
       "print(t+' "
       "v1,'+base64.b64encode(hmac.new(k,(sys.argv[2]+'.'+t+'.'+sys.argv[3]).encode(),hashlib.sha256)."
       "digest()).decode())",
       kWebhookSecret, id, body});
  ASSERT_EQ(sig.exit_code, 0) << sig.output;
  const std::string ts = sig.output.substr(0, sig.output.find(' '));
  std::string signature = sig.output.substr(sig.output.find(' ') + 1);
  while (!signature.empty() && (signature.back() == '\n' || signature.back() == '\r')) signature.pop_back();
  const auto deliveries = [](const rapidjson::Document& d, const char* outcome) {
    const double v =
        value(d, "tenantd_webhook_deliveries", "tenantd_webhook_deliveries_total", {{"outcome", outcome}});
    return v < 0 ? 0 : v;
  };
  const auto before = scrape();
  const Headers signed_headers = {
      {"webhook-id", id}, {"webhook-timestamp", ts}, {"webhook-signature", signature}};
  const auto r = req("POST", "/v1/webhooks/identity", signed_headers, body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto again = req("POST", "/v1/webhooks/identity", signed_headers, body);  // the provider redelivers
  ASSERT_EQ(again.status, 200) << again.body;
  const auto forged =
      req("POST", "/v1/webhooks/identity",
          {{"webhook-id", id + "x"}, {"webhook-timestamp", ts}, {"webhook-signature", signature}}, body);
  ASSERT_EQ(forged.status, 401) << forged.body;
  const auto m = scrape();
  EXPECT_EQ(deliveries(m, "accepted"), deliveries(before, "accepted") + 1);
  EXPECT_EQ(deliveries(m, "duplicate"), deliveries(before, "duplicate") + 1);
  EXPECT_EQ(deliveries(m, "rejected"), deliveries(before, "rejected") + 1);
  EXPECT_EQ(type(m, "tenantd_webhook_events"), "gauge");
  // a type tenantd does not apply is counted as 'other' (the provider cannot grow the series)
  EXPECT_GE(value(m, "tenantd_webhook_events", "tenantd_webhook_events", {{"type", "other"}}), 1);
  EXPECT_EQ(req("GET", "/metrics").body.find("obs.not_a_provider_type"), std::string::npos);
}

TEST_F(ObservabilityTest, ReadyzReportsEachComponent) {
  const auto r = req("GET", "/readyz");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject() && d.HasMember("components")) << r.body;
  const auto& c = d["components"];
  for (const char* name : {"database", "migrations", "workers", "job_queue"}) {
    ASSERT_TRUE(c.HasMember(name) && c[name].IsObject()) << name << " " << r.body;
    EXPECT_TRUE(c[name].HasMember("status")) << name;
  }
  EXPECT_EQ(str(c["database"], "status"), "ok");
  EXPECT_EQ(str(c["migrations"], "status"), "ok");
  EXPECT_EQ(c["migrations"]["applied"].GetInt(), c["migrations"]["latest"].GetInt());
  EXPECT_TRUE(c["job_queue"].HasMember("oldest_queued_seconds") &&
              c["job_queue"]["oldest_queued_seconds"].IsNumber());
  EXPECT_TRUE(c["workers"].HasMember("alive") && c["workers"]["alive"].IsInt());
}

// A worker that starts reports alive; stopped cleanly, it is gone at once.
TEST_F(ObservabilityTest, ReadyzCountsLiveWorkers) {
  const auto alive = [] {
    const auto d = parse(req("GET", "/readyz").body);
    return d.IsObject() && d.HasMember("components") ? d["components"]["workers"]["alive"].GetInt() : -1;
  };
  WorkerGuard worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "100"}},
                     source_dir() + "/var/observability-worker2.log");
  // this worker's threads (worker ids are host:pid:thread); other tests' workers may come and go
  const auto rows = [&] {
    return q1("select count(*) from tenantd.worker_heartbeats where worker_id like '%:" +
              std::to_string(worker.pid()) + ":%'");
  };
  EXPECT_TRUE(wait_for([&] { return rows() == "2"; })) << rows();
  EXPECT_GE(alive(), 2);
  const auto d = parse(req("GET", "/readyz").body);
  EXPECT_EQ(str(d["components"]["workers"], "status"), "ok");
  EXPECT_EQ(worker.stop(), 0);
  EXPECT_EQ(rows(), "0");
}

// Readiness fails, 503 with the components, when the database is behind the migration files.
TEST_F(ObservabilityTest, ReadyzIs503WithComponentsWhenMigrationsArePending) {
  const std::string dir = "/tmp/tenantd-readyz-" + uniq();
  ASSERT_EQ(run_command({"/bin/sh", "-c",
                         "mkdir -p " + dir + " && cp " + source_dir() + "/migrations/*.sql " + dir +
                             " && echo 'select 1;' > " + dir + "/9999_future.sql"})
                .exit_code,
            0);
  TenantdProcess behind(
      {{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}, {"MIGRATIONS_DIR", dir}, {"LOG_LEVEL", "warn"}});
  const auto r = http_request(behind.port(), "GET", "/readyz");
  run_command({"/bin/rm", "-rf", dir});
  expect_problem(r, 503, "migrations_pending");
  const auto d = parse(r.body);
  ASSERT_TRUE(d.HasMember("components")) << r.body;
  EXPECT_EQ(str(d["components"]["migrations"], "status"), "failing");
  EXPECT_EQ(str(d["components"]["database"], "status"), "ok");
  EXPECT_FALSE(r.header("retry-after").empty());
}

}  // namespace
}  // namespace tenantd::test
