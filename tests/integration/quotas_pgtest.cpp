// Plans over real HTTP against real PostgreSQL: the quota race at the limit, fail-closed with
// the counter row locked by another session past the lock timeout, the refusal's problem members,
// and entitlements that a tenant_admin cannot write.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "support.hpp"

namespace tenantd::test {
namespace {

class QuotasTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"DB_POOL_SIZE", "8"},
                                  {"HTTP_THREADS", "8"},
                                  {"DB_ACQUIRE_TIMEOUT_MS", "60000"}});
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResponse req(const std::string& method, const std::string& path, const std::string& tok,
                          const std::string& body = "") {
    Headers h = bearer(tok);
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  // A tenant on the free plan whose override sets `limits` (a JSON object).
  static Seed plan_tenant(const std::string& prefix, int members, const std::string& limits) {
    Seed s = seed_tenant(prefix, members);
    admin_exec("update tenantd.tenants set plan = 'free' where id = '" + s.id + "'");
    admin_exec("insert into tenantd.entitlement_overrides (tenant_id, limits) values ('" + s.id + "', '" +
               limits + "')");
    return s;
  }
  static inline TenantdProcess* server_ = nullptr;
};

// 50 concurrent creates at limit − 1: exactly one is admitted, every other one is refused with
// quota_exceeded, and the tenant ends at its limit.
TEST_F(QuotasTest, FiftyConcurrentCreatesAtLimitMinusOneAdmitExactlyOne) {
  const Seed t = plan_tenant("race", 3, R"({"members": 4})");
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  constexpr int kN = 50;
  std::vector<HttpResponse> answers(kN);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      answers[i] =
          req("POST", "/v1/users", admin,
              R"({"email":"racer)" + std::to_string(i) + "@" + t.slug + R"(.example","role":"member"})");
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  int created = 0, refused = 0;
  for (const auto& a : answers) {
    if (a.status == 201) {
      ++created;
    } else {
      expect_problem(a, 403, "quota_exceeded");
      ++refused;
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(refused, kN - 1);
  EXPECT_EQ(q1("select count(*) from tenantd.memberships where tenant_id = '" + t.id + "'"), "4");
}

// The refusal is a 403 problem with the RFC 9457 extension members limit, used, metric and
// resets_at (the first instant of the next calendar month in UTC).
TEST_F(QuotasTest, RefusalCarriesLimitUsedMetricAndResetsAt) {
  const Seed t = plan_tenant("refusal", 1, R"({"invitations_per_month": 1})");
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  auto first =
      req("POST", "/v1/invitations", admin, R"({"email":"one@)" + t.slug + R"(.example","role":"member"})");
  ASSERT_EQ(first.status, 201) << first.body;
  auto second =
      req("POST", "/v1/invitations", admin, R"({"email":"two@)" + t.slug + R"(.example","role":"member"})");
  expect_problem(second, 403, "quota_exceeded");
  auto d = parse(second.body);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(str(d, "metric"), "invitations_per_month");
  ASSERT_TRUE(d.HasMember("limit") && d["limit"].IsInt()) << second.body;
  EXPECT_EQ(d["limit"].GetInt(), 1);
  ASSERT_TRUE(d.HasMember("used") && d["used"].IsInt()) << second.body;
  EXPECT_EQ(d["used"].GetInt(), 1);
  EXPECT_EQ(str(d, "resets_at"),
            q1("select tenantd.rfc3339(date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' "
               "+ interval '1 month')"));
  EXPECT_EQ(q1("select count(*) from tenantd.invitations where tenant_id = '" + t.id + "'"), "1");
}

// Fail closed: another session holds the counter row past the lock timeout; the create answers
// 503 quota_unavailable with Retry-After and creates nothing. Once the lock is gone it passes.
TEST_F(QuotasTest, LockedCounterFailsClosedWith503) {
  const Seed t = plan_tenant("locked", 1, R"({"invitations_per_month": 10})");
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  const std::string period = q1("select (tenantd.quota_period(now())).period");
  admin_exec("insert into tenantd.quota_counters (tenant_id, metric, period, value) values ('" + t.id +
             "', 'invitations_per_month', '" + period + "', 0)");
  {
    pqxx::connection holder(admin_url());
    pqxx::work tx(holder);
    tx.exec("select value from tenantd.quota_counters where tenant_id = '" + t.id +
            "' and metric = 'invitations_per_month' for update");
    auto r = req("POST", "/v1/invitations", admin,
                 R"({"email":"held@)" + t.slug + R"(.example","role":"member"})");
    expect_problem(r, 503, "quota_unavailable");
    EXPECT_FALSE(r.header("retry-after").empty());
    EXPECT_EQ(q1("select count(*) from tenantd.invitations where tenant_id = '" + t.id + "'"), "0");
    tx.abort();
  }
  auto r =
      req("POST", "/v1/invitations", admin, R"({"email":"held@)" + t.slug + R"(.example","role":"member"})");
  EXPECT_EQ(r.status, 201) << r.body;
}

// Entitlements: members read them; a tenant_admin cannot write them; a platform operator can,
// and the write is audited and takes effect on the next create.
TEST_F(QuotasTest, EntitlementsAreReadByMembersAndWrittenByOperatorsOnly) {
  const Seed t = plan_tenant("ent", 2, R"({})");
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  const std::string member = mint_token(t.user_ids[1], t.id, "member");
  auto got = req("GET", "/v1/entitlements", member);
  ASSERT_EQ(got.status, 200) << got.body;
  auto d = parse(got.body);
  EXPECT_EQ(str(d, "plan"), "free");
  EXPECT_EQ(str(d, "tenant_id"), t.id);
  ASSERT_TRUE(d["features"].IsObject());
  EXPECT_FALSE(d["features"]["custom_roles"].GetBool());

  expect_problem(req("PUT", "/v1/tenants/" + t.id + "/entitlements", admin,
                     R"({"limits":{"members":1000},"features":{"custom_roles":true}})"),
                 403, "forbidden");
  expect_problem(req("POST", "/v1/roles", admin, R"({"name":"support","permissions":[]})"), 403,
                 "feature_not_available");

  const std::string ops = mint_token("ops-" + uniq(), std::nullopt, "super_admin");
  auto put = req("PUT", "/v1/tenants/" + t.slug + "/entitlements", ops,
                 R"({"limits":{"custom_roles":1},"features":{"custom_roles":true},"reason":"trial"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + t.id +
               "' and action = 'entitlements.updated'"),
            "1");
  EXPECT_EQ(req("POST", "/v1/roles", admin, R"({"name":"support","permissions":[]})").status, 201);
  auto over = req("POST", "/v1/roles", admin, R"({"name":"billing","permissions":[]})");
  expect_problem(over, 403, "quota_exceeded");
  EXPECT_EQ(str(parse(over.body), "metric"), "custom_roles");

  expect_problem(req("PUT", "/v1/tenants/" + t.id + "/entitlements", ops, R"({"limits":{"members":-1}})"),
                 422, "invalid_entitlements");
  expect_problem(req("PUT", "/v1/tenants/" + t.id + "/entitlements", ops, R"({"limits":[]})"), 400,
                 "invalid_field_type");
}

}  // namespace
}  // namespace tenantd::test
