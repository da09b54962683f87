// Sign-up and provisioning against real PostgreSQL, real HTTP and real worker processes
// (issue 5 §2–4, §8): 202 after one short transaction, the provisioning job, the status
// endpoint, the admin invitation shown once to the Idempotency-Key holder, concurrent sign-ups
// with one key and for one slug, a failing provisioning step, reprovision, and a worker killed
// with SIGKILL in the middle of a provisioning job.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

std::string tenant_status(const std::string& id) {
  return q1("select tenantd.tenant_state(status, deleted_at) from tenantd.tenants where id = '" + id + "'");
}

// Rows of the preseed in every table provisioning writes (audit rows apart).
int preseed_rows(const std::string& id) {
  return std::stoi(q1("select (select count(*) from tenantd.roles where tenant_id = '" + id +
                      "') + (select count(*) from tenantd.onboarding_steps where tenant_id = '" + id +
                      "') + (select count(*) from tenantd.tenant_configs where tenant_id = '" + id +
                      "') + (select count(*) from tenantd.memberships where tenant_id = '" + id +
                      "') + (select count(*) from tenantd.invitations where tenant_id = '" + id + "')"));
}

class SignupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = util::new_uuid().substr(0, 8);
    // No workers in the server: the suite's `tenantd worker` provisions, so tests can also run
    // the server-only paths (202 before any provisioning).
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WORKERS", "0"},
                                  {"DB_POOL_SIZE", "8"},
                                  {"HTTP_THREADS", "8"},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
    worker_ =
        spawn_worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "100"}}, source_dir() + "/var/signup-worker.log");
  }
  static void TearDownTestSuite() {
    stop_process(worker_);
    delete server_;
  }
  static HttpResponse req(const std::string& method, const std::string& path, Headers h = {},
                          const std::string& body = "") {
    if (!body.empty() && !h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static std::string body_for(const std::string& slug, const std::string& extra = "") {
    return R"({"organization_name":"Org )" + slug + R"(","slug":")" + slug +
           R"(","plan":"pro","admin_email":"admin@)" + slug + R"(.example")" + extra + "}";
  }
  static void expect_problem(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.header("content-type").find("application/problem+json"), std::string::npos) << r.body;
    EXPECT_EQ(str(parse(r.body), "code"), code) << r.body;
    for (const char* leak :
         {"ERROR:", "pqxx", "SQLSTATE", "tenantd.tenants", "tenantd.jobs", "violates", "CONTEXT"}) {
      EXPECT_EQ(r.body.find(leak), std::string::npos) << "internal detail leaked: " << r.body;
    }
  }
  static inline std::string tag_;
  static inline TenantdProcess* server_ = nullptr;
  static inline pid_t worker_ = -1;
};

TEST_F(SignupTest, SignupWithPasswordProvisionsAnActiveTenantWhoseAdminCanLogIn) {
  const std::string slug = "su-pw-" + tag_;
  auto r = req("POST", "/v1/signup", {}, body_for(slug, R"(,"admin_password":"correct horse battery")"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto d = parse(r.body);
  const std::string id = str(d, "tenant_id");
  ASSERT_TRUE(util::is_uuid(id)) << r.body;
  EXPECT_EQ(str(d, "status"), "pending");
  EXPECT_EQ(str(d, "status_url"), "/v1/tenant-status/" + id);
  ASSERT_TRUE(wait_for([&] { return tenant_status(id) == "active"; })) << tenant_status(id);

  auto s = req("GET", "/v1/tenant-status/" + id);
  ASSERT_EQ(s.status, 200) << s.body;
  auto sd = parse(s.body);
  EXPECT_EQ(str(sd, "status"), "active");
  EXPECT_EQ(str(sd, "provisioning_status"), "completed");
  EXPECT_TRUE(sd["error_code"].IsNull());
  EXPECT_NE(str(sd, "provisioning_started_at"), "");
  EXPECT_NE(str(sd, "provisioning_completed_at"), "");
  EXPECT_EQ(s.body.find(slug), std::string::npos) << "the public status names no slug or name: " << s.body;
  EXPECT_FALSE(sd.HasMember("name"));
  EXPECT_FALSE(sd.HasMember("admin_invitation_token"));

  EXPECT_EQ(q1("select cardinality(tenantd.verify_preseed('" + id + "'))"), "0");
  EXPECT_EQ(
      q1("select count(*) from tenantd.tenant_configs where tenant_id = '" + id + "' and type = 'features'"),
      q1("select count(*) from tenantd.plans p, jsonb_object_keys(p.features) where p.id = 'pro'"));
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + id +
               "' and action = 'tenant.provisioned'"),
            "1");
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_signups where tenant_id = '" + id +
               "' and admin_password_hash is null"),
            "1");  // the hash waits only until provisioning used it

  auto login = req("POST", "/v1/auth/token", {},
                   R"({"tenant":")" + slug + R"(","email":"admin@)" + slug +
                       R"(.example","password":"correct horse battery"})");
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST_F(SignupTest, InvitationTokenIsShownOnceToTheIdempotencyKeyHolder) {
  const std::string slug = "su-inv-" + tag_;
  const std::string key = util::new_uuid();
  auto r = req("POST", "/v1/signup", {{"Idempotency-Key", key}}, body_for(slug));
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = str(parse(r.body), "tenant_id");
  ASSERT_TRUE(wait_for([&] { return tenant_status(id) == "active"; }));
  EXPECT_EQ(q1("select count(*) from tenantd.invitations where tenant_id = '" + id +
               "' and role = 'tenant_admin' and status = 'pending'"),
            "1");

  auto anonymous = req("GET", "/v1/tenant-status/" + id);
  EXPECT_FALSE(parse(anonymous.body).HasMember("admin_invitation_token")) << anonymous.body;
  auto wrong = req("GET", "/v1/tenant-status/" + id, {{"Idempotency-Key", util::new_uuid()}});
  EXPECT_EQ(wrong.status, 200);
  EXPECT_FALSE(parse(wrong.body).HasMember("admin_invitation_token")) << wrong.body;
  auto shown = req("GET", "/v1/tenant-status/" + id, {{"Idempotency-Key", key}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  const std::string token = str(parse(shown.body), "admin_invitation_token");
  ASSERT_FALSE(token.empty()) << shown.body;
  EXPECT_EQ(shown.header("cache-control"), "no-store");
  auto again = req("GET", "/v1/tenant-status/" + id, {{"Idempotency-Key", key}});
  EXPECT_FALSE(parse(again.body).HasMember("admin_invitation_token")) << "shown once only: " << again.body;
  // never stored in clear
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_signups s where s.tenant_id = '" + id +
               "' and position(convert_to('" + token +
               "', 'utf8') in s.invitation_nonce || s.invitation_token_hash) > 0"),
            "0");

  auto accept = req("POST", "/v1/invitations/accept", {},
                    R"({"token":")" + token + R"(","password":"a long enough password"})");
  EXPECT_EQ(accept.status / 100, 2) << accept.body;
  EXPECT_EQ(q1("select count(*) from tenantd.memberships m join tenantd.users u on u.id = m.user_id where "
               "m.tenant_id = '" +
               id + "' and m.role = 'tenant_admin' and lower(u.email) = 'admin@" + slug + ".example'"),
            "1");
}

TEST_F(SignupTest, ValidationErrors) {
  const std::string slug = "su-bad-" + tag_;
  const Headers key = {{"Idempotency-Key", util::new_uuid()}};
  expect_problem(req("POST", "/v1/signup"), 400, "body_required");
  expect_problem(req("POST", "/v1/signup", key, R"({"plan":"free","admin_email":"a@b.c"})"), 400,
                 "missing_field");
  expect_problem(req("POST", "/v1/signup", key, body_for(slug, R"(,"status":"active")")), 400,
                 "unknown_field");
  expect_problem(
      req("POST", "/v1/signup", key, R"({"organization_name":42,"plan":"free","admin_email":"a@b.c"})"), 400,
      "invalid_field_type");
  expect_problem(req("POST", "/v1/signup", {{"Idempotency-Key", ""}}, body_for(slug)), 400,
                 "invalid_idempotency_key");
  expect_problem(req("POST", "/v1/signup", key,
                     R"({"organization_name":"X","slug":"www","plan":"free","admin_email":"a@b.c"})"),
                 422, "invalid_slug");
  expect_problem(req("POST", "/v1/signup", key,
                     R"({"organization_name":"X","slug":"Bad_Slug","plan":"free","admin_email":"a@b.c"})"),
                 422, "invalid_slug");
  expect_problem(
      req("POST", "/v1/signup", key,
          R"({"organization_name":"X","slug":")" + slug + R"(","plan":"platinum","admin_email":"a@b.c"})"),
      422, "unknown_plan");
  expect_problem(
      req("POST", "/v1/signup", key,
          R"({"organization_name":"X","slug":")" + slug + R"(","plan":"free","admin_email":"not-an-email"})"),
      422, "invalid_email");
  expect_problem(
      req("POST", "/v1/signup", key, R"({"organization_name":"   ","plan":"free","admin_email":"a@b.c"})"),
      422, "validation_failed");
  expect_problem(req("POST", "/v1/signup", key, body_for(slug, R"(,"admin_password":"short")")), 422,
                 "validation_failed");
  // no password: the invitation token needs a key to be shown to
  expect_problem(req("POST", "/v1/signup", {}, body_for(slug)), 422, "idempotency_key_required");
  expect_problem(req("POST", "/v1/signup", {{"Idempotency-Key", "short"}}, body_for(slug)), 422,
                 "idempotency_key_required");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where slug = '" + slug + "'"), "0");
}

TEST_F(SignupTest, ATakenSlugIs409AndCreatesNothing) {
  const Seed s = seed_tenant("su-taken", 1);
  const std::string before_tenants = q1("select count(*) from tenantd.tenants");
  const std::string before_jobs = q1("select count(*) from tenantd.jobs where kind = 'tenant.provision'");
  expect_problem(req("POST", "/v1/signup", {}, body_for(s.slug, R"(,"admin_password":"long enough pw")")),
                 409, "slug_taken");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants"), before_tenants);
  EXPECT_EQ(q1("select count(*) from tenantd.jobs where kind = 'tenant.provision'"), before_jobs);
  // without a slug one is derived, with a suffix when the name's is taken
  auto r = req("POST", "/v1/signup", {},
               R"({"organization_name":")" + s.slug + R"(","plan":"free","admin_email":"x@)" + s.slug +
                   R"(.example","admin_password":"long enough pw"})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(q1("select slug from tenantd.tenants where id = '" + str(parse(r.body), "tenant_id") + "'"),
            s.slug + "-2");
}

// A public route enters a context too (issue 9): the sign-up's audit row names the request
// that made it, so an operator can follow a tenant back to the request's log line.
TEST_F(SignupTest, TheSignupAuditRowCarriesTheRequestId) {
  const std::string slug = "su-rid-" + tag_;
  const std::string rid = "signup-rid-" + tag_;
  auto r = req("POST", "/v1/signup", {{"X-Request-Id", rid}},
               body_for(slug, R"(,"admin_password":"long enough pw")"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.header("x-request-id"), rid);
  const std::string id = str(parse(r.body), "tenant_id");
  ASSERT_TRUE(util::is_uuid(id)) << r.body;
  EXPECT_EQ(
      q1("select coalesce(string_agg(coalesce(request_id, '<null>'), ','), '<none>') from tenantd.audit_log "
         "where tenant_id = '" +
         id + "' and action = 'tenant.created'"),
      rid);
}

TEST_F(SignupTest, HundredConcurrentSignupsWithOneKeyMakeOneTenantAndOneJob) {
  const std::string slug = "su-100-" + tag_;
  const std::string key = util::new_uuid();
  const std::string body = body_for(slug);
  constexpr int kN = 100;
  std::vector<std::future<std::pair<int, std::string>>> calls;
  for (int i = 0; i < kN; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      // a client retries "still in progress" (409) as the draft says; bounded
      for (int attempt = 0; attempt < 50; ++attempt) {
        auto r = req("POST", "/v1/signup", {{"Idempotency-Key", key}}, body);
        if (r.status == 409 && r.body.find("idempotency_in_progress") != std::string::npos) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        return std::make_pair(r.status, r.body);
      }
      return std::make_pair(0, std::string("gave up"));
    }));
  }
  std::set<std::string> tenants;
  for (auto& c : calls) {
    auto [status, b] = c.get();
    EXPECT_EQ(status, 202) << b;
    tenants.insert(str(parse(b), "tenant_id"));
  }
  ASSERT_EQ(tenants.size(), 1u);  // every answer names the same tenant
  const std::string id = *tenants.begin();
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where slug = '" + slug + "'"), "1");
  EXPECT_EQ(
      q1("select count(*) from tenantd.jobs where kind = 'tenant.provision' and payload->>'tenant_id' = '" +
         id + "'"),
      "1");
  ASSERT_TRUE(wait_for([&] { return tenant_status(id) == "active"; }));
  EXPECT_EQ(q1("select count(*) from tenantd.invitations where tenant_id = '" + id + "'"), "1");
}

TEST_F(SignupTest, FiftyConcurrentSignupsForOneSlugGiveOne202AndFortyNine409) {
  const std::string slug = "su-50-" + tag_;
  constexpr int kN = 50;
  std::vector<std::future<HttpResponse>> calls;
  for (int i = 0; i < kN; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return req("POST", "/v1/signup", {{"Idempotency-Key", util::new_uuid()}}, body_for(slug));
    }));
  }
  int accepted = 0, taken = 0;
  for (auto& c : calls) {
    auto r = c.get();
    if (r.status == 202) {
      ++accepted;
    } else if (r.status == 409 && str(parse(r.body), "code") == "slug_taken") {
      ++taken;
    } else {
      ADD_FAILURE() << r.status << " " << r.body;
    }
  }
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(taken, kN - 1);
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where slug = '" + slug + "'"), "1");
  EXPECT_EQ(
      q1("select count(*) from tenantd.jobs j join tenantd.tenants t on j.payload->>'tenant_id' = t.id::text"
         " where t.slug = '" +
         slug + "'"),
      "1");
}

TEST_F(SignupTest, SignupsAreRateLimitedPerAddress) {
  TenantdProcess limited(
      {{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}, {"SIGNUP_RATE_PER_MINUTE", "2"}});
  const std::string slug = "su-rate-" + tag_;
  HttpResponse last;
  int accepted = 0;
  for (int i = 0; i < 3; ++i) {
    last = http_request(limited.port(), "POST", "/v1/signup",
                        {{"Content-Type", "application/json"}, {"Idempotency-Key", util::new_uuid()}},
                        body_for(slug + "-" + std::to_string(i)));
    if (last.status == 202) ++accepted;
  }
  // earlier tests of this minute from 127.0.0.1 count too (one counter shared by every process)
  EXPECT_LE(accepted, 2);
  expect_problem(last, 429, "rate_limited");
  const int retry_after = std::stoi(last.header("retry-after").empty() ? "0" : last.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where slug = '" + slug + "-2'"), "0");
}

TEST_F(SignupTest, StatusEndpoints) {
  expect_problem(req("GET", "/v1/tenant-status/" + util::new_uuid()), 404, "tenant_not_found");
  expect_problem(req("GET", "/v1/tenant-status/not-a-uuid"), 404, "tenant_not_found");
  const Seed a = seed_tenant("su-sta", 2);
  const Seed b = seed_tenant("su-stb", 2);
  const Headers ha = {{"Authorization", "Bearer " + mint_token(a.user_ids[1], a.id, "member")}};
  auto own = req("GET", "/v1/tenant-status", ha);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(str(parse(own.body), "tenant_id"), a.id);
  EXPECT_EQ(str(parse(own.body), "status"), "active");
  expect_problem(req("GET", "/v1/tenant-status"), 401, "unauthenticated");
  // cross-tenant: A's token naming B by header, by path-less Host → refused, nothing of B
  for (const auto& extra : std::vector<Headers>{
           {{"X-Tenant-Id", b.id}}, {{"X-Tenant-Id", b.slug}}, {{"Host", b.slug + ".localhost"}}}) {
    Headers h = ha;
    for (const auto& [k, v] : extra) h[k] = v;
    auto r = req("GET", "/v1/tenant-status", h);
    EXPECT_TRUE(r.status == 403 || r.status == 404) << r.status << " " << r.body;
    EXPECT_EQ(r.body.find(b.id), std::string::npos);
  }
}

TEST_F(SignupTest, CreateTenantGoesThroughTheProvisioningJob) {
  const Headers sa = {{"Authorization", "Bearer " + mint_token("ops", std::nullopt, "super_admin")}};
  auto r = req("POST", "/v1/tenants", sa, R"({"name":"Via API )" + tag_ + R"(","plan":"starter"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = str(parse(r.body), "id");
  EXPECT_EQ(str(parse(r.body), "status_url"), "/v1/tenant-status/" + id);
  ASSERT_TRUE(wait_for([&] { return tenant_status(id) == "active"; }));
  EXPECT_EQ(q1("select cardinality(tenantd.verify_preseed('" + id + "'))"), "0");
  // reprovision is for failed tenants, by super admins
  expect_problem(req("POST", "/v1/tenants/" + id + "/reprovision", sa), 409, "invalid_state");
  const Seed s = seed_tenant("su-rp", 1);
  expect_problem(req("POST", "/v1/tenants/" + s.id + "/reprovision",
                     {{"Authorization", "Bearer " + mint_token(s.user_ids[0], s.id, "tenant_admin")}}),
                 403, "forbidden");
}

// ---- the provisioning job itself ----------------------------------------------------------

class ProvisioningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WORKERS", "0"},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string signup(const std::string& slug, const std::string& plan) {
    auto r = http_request(server_->port(), "POST", "/v1/signup", {{"Content-Type", "application/json"}},
                          R"({"organization_name":"P )" + slug + R"(","slug":")" + slug + R"(","plan":")" +
                              plan + R"(","admin_email":"boss@)" + slug +
                              R"(.example","admin_password":"long enough pw"})");
    EXPECT_EQ(r.status, 202) << r.body;
    return str(parse(r.body), "tenant_id");
  }
  static inline TenantdProcess* server_ = nullptr;
};

TEST_F(ProvisioningTest, AFailingStepRollsBackEverythingRetriesAndReprovisionActivates) {
  const std::string tag = util::new_uuid().substr(0, 8);
  const std::string plan = "broken_" + tag;
  // a plan whose default configuration violates tenant_configs_key_shape
  admin_exec("insert into tenantd.plans (id, name, features) values ('" + plan +
             "', 'Broken', '{\"Not A Key!\": true}')");
  const std::string id = signup("prov-fail-" + tag, plan);
  pid_t w = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"JOB_BACKOFF_BASE_MS", "50"}},
                         source_dir() + "/var/signup-fail-worker.log");
  const std::string job_where = " from tenantd.jobs where dedupe_key = 'provision:" + id + "'";
  ASSERT_TRUE(wait_for([&] { return q1("select state" + job_where) == "failed"; }, 30000))
      << q1("select state" + job_where);
  EXPECT_EQ(q1("select attempts" + job_where), "5");  // retried with backoff up to max_attempts
  EXPECT_EQ(tenant_status(id), "failed");
  EXPECT_EQ(q1("select provisioning_attempts::text || ' ' || provisioning_status from tenantd.tenants where "
               "id = '" +
               id + "'"),
            "5 failed");
  EXPECT_NE(q1("select provisioning_error from tenantd.tenants where id = '" + id + "'")
                .find("tenant_configs_key_shape"),
            std::string::npos);
  EXPECT_EQ(preseed_rows(id), 0);
  EXPECT_EQ(
      q1("select count(*) from tenantd.users where lower(email) = 'boss@prov-fail-" + tag + ".example'"),
      "0");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + id +
               "' and action = 'tenant.provisioned'"),
            "0");

  auto st = http_request(server_->port(), "GET", "/v1/tenant-status/" + id);
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(str(parse(st.body), "status"), "failed");
  EXPECT_EQ(str(parse(st.body), "error_code"), "provisioning_failed");
  EXPECT_EQ(st.body.find("tenant_configs"), std::string::npos)
      << "no internals on the public status: " << st.body;

  // fix the cause, then reprovision
  admin_exec("update tenantd.plans set features = '{\"sso\": true}' where id = '" + plan + "'");
  const Headers sa = {{"Authorization", "Bearer " + mint_token("ops", std::nullopt, "super_admin")}};
  auto rp = http_request(server_->port(), "POST", "/v1/tenants/" + id + "/reprovision", sa);
  ASSERT_EQ(rp.status, 202) << rp.body;
  EXPECT_EQ(str(parse(rp.body), "status_url"), "/v1/tenant-status/" + id);
  ASSERT_TRUE(wait_for([&] { return tenant_status(id) == "active"; })) << tenant_status(id);
  EXPECT_EQ(q1("select cardinality(tenantd.verify_preseed('" + id + "'))"), "0");
  EXPECT_EQ(q1("select provisioning_error is null from tenantd.tenants where id = '" + id + "'"), "t");
  EXPECT_EQ(q1("select count(*)" + job_where), "1");
  stop_process(w);
}

TEST_F(ProvisioningTest, RunningTheJobAgainForAnActiveTenantChangesNothing) {
  const std::string id = signup("prov-again-" + util::new_uuid().substr(0, 8), "free");
  pqxx::connection c(worker_url());
  {
    pqxx::work tx(c);
    EXPECT_EQ(tx.exec_params("select tenantd.provision_tenant($1::uuid, 1)", id)[0][0].as<std::string>(),
              "active");
    tx.commit();
  }
  const int rows = preseed_rows(id);
  const std::string audit = q1("select count(*) from tenantd.audit_log where tenant_id = '" + id + "'");
  const std::string updated = q1("select updated_at::text from tenantd.tenants where id = '" + id + "'");
  pqxx::work tx(c);
  EXPECT_EQ(tx.exec_params("select tenantd.provision_tenant($1::uuid, 2)", id)[0][0].as<std::string>(),
            "active");
  tx.commit();
  EXPECT_EQ(preseed_rows(id), rows);
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + id + "'"), audit);
  EXPECT_EQ(q1("select updated_at::text from tenantd.tenants where id = '" + id + "'"), updated);
}

TEST_F(ProvisioningTest, AWorkerKilledMidJobIsReplacedAfterTheLeaseWithExactlyOnePreseed) {
  const std::string id = signup("prov-kill-" + util::new_uuid().substr(0, 8), "pro");
  // Hold the tenant row: the first worker gets stuck inside provision_tenant, mid-job.
  pqxx::connection locker(admin_url());
  pqxx::work lock_tx(locker);
  lock_tx.exec_params("select 1 from tenantd.tenants where id = $1::uuid for update", id);
  const std::map<std::string, std::string> env = {
      {"WORKERS", "1"}, {"JOB_POLL_MS", "100"}, {"JOB_LEASE_SECONDS", "1"}};
  const std::string job_where = " from tenantd.jobs where dedupe_key = 'provision:" + id + "'";
  pid_t first = spawn_worker(env, source_dir() + "/var/signup-kill-1.log");
  ASSERT_TRUE(wait_for([&] { return q1("select state" + job_where) == "running"; }));
  ASSERT_TRUE(wait_for([&] {
    return q1("select count(*) from pg_stat_activity where usename = 'tenantd_worker' and wait_event_type = "
              "'Lock'"
              " and query like '%provision_tenant%'") != "0";
  }));
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  // The dead worker's backend is still waiting; end it as a crashed client's would end.
  admin_exec(
      "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'tenantd_worker'"
      " and wait_event_type = 'Lock' and query like '%provision_tenant%'");
  lock_tx.abort();
  pid_t second = spawn_worker(env, source_dir() + "/var/signup-kill-2.log");
  EXPECT_TRUE(wait_for([&] { return q1("select state" + job_where) == "completed"; }));
  EXPECT_EQ(q1("select attempts" + job_where), "2");
  EXPECT_EQ(tenant_status(id), "active");
  EXPECT_EQ(q1("select cardinality(tenantd.verify_preseed('" + id + "'))"), "0");
  EXPECT_EQ(q1("select count(*) from tenantd.roles where tenant_id = '" + id + "'"), "3");
  EXPECT_EQ(q1("select count(*) from tenantd.memberships where tenant_id = '" + id + "'"), "1");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + id +
               "' and action = 'tenant.provisioned'"),
            "1");
  stop_process(second);
}

}  // namespace
}  // namespace tenantd::test
