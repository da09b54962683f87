// The per-tenant API rate limit and api_calls metering over real HTTP against real PostgreSQL:
// RateLimit headers and 429, a stranger cannot spend a tenant's requests, the two switches, and
// no usage row lost on a clean shutdown (N requests, SIGTERM, N counted).
#include <gtest/gtest.h>

#include "support.hpp"

namespace tenantd::test {
namespace {

// A tenant on the free plan whose override sets api_requests_per_minute.
Seed limited_tenant(const std::string& prefix, int per_minute) {
  Seed s = seed_tenant(prefix, 2);
  admin_exec("update tenantd.tenants set plan = 'free' where id = '" + s.id + "'");
  admin_exec("insert into tenantd.entitlement_overrides (tenant_id, limits) values ('" + s.id +
             "', '{\"api_requests_per_minute\": " + std::to_string(per_minute) + "}')");
  return s;
}

HttpResponse get(const TenantdProcess& p, const std::string& path, const std::string& tok) {
  return http_request(p.port(), "GET", path, bearer(tok));
}

std::string api_calls_of(const Seed& t) {
  return q1("select coalesce(sum(value), 0) from tenantd.usage_daily where tenant_id = '" + t.id +
            "' and metric = 'api_calls'");
}

TEST(TenantRateLimit, HeadersOnEveryTenantResponseAnd429WhenTheBucketIsEmpty) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  const Seed a = limited_tenant("rl-a", 5);
  const Seed b = limited_tenant("rl-b", 5);
  const std::string member_a = mint_token(a.user_ids[1], a.id, "member");
  for (int i = 0; i < 5; ++i) {
    auto r = get(server, "/v1/entitlements", member_a);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("ratelimit-policy"), "\"tenant\";q=5;w=60");
    EXPECT_EQ(r.header("ratelimit").rfind("\"tenant\";r=" + std::to_string(4 - i) + ";t=", 0), 0u)
        << r.header("ratelimit");
  }
  auto refused = get(server, "/v1/entitlements", member_a);
  expect_problem(refused, 429, "rate_limited");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(refused.header("ratelimit-policy"), "\"tenant\";q=5;w=60");
  EXPECT_EQ(refused.header("ratelimit").rfind("\"tenant\";r=0;t=", 0), 0u);
  // the same tenant through its other spelling shares the bucket
  expect_problem(
      get(server, "/v1/tenants/" + a.slug + "/entitlements", mint_token(a.user_ids[0], a.id, "tenant_admin")),
      429, "rate_limited");

  // tenant B has its own bucket; its error answers carry the headers too
  const std::string member_b = mint_token(b.user_ids[1], b.id, "member");
  auto missing = get(server, "/v1/roles/00000000-0000-4000-8000-000000000000", member_b);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.header("ratelimit-policy"), "\"tenant\";q=5;w=60");
  EXPECT_EQ(get(server, "/v1/entitlements", member_b).status, 200);
}

// A principal the database does not accept in a tenant draws on no bucket of that tenant.
TEST(TenantRateLimit, AStrangerCannotSpendATenantsRequests) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  const Seed a = limited_tenant("rl-victim", 3);
  const Seed other = seed_tenant("rl-stranger", 1);
  // a user of another tenant with a (validly signed) token naming tenant A
  const std::string stranger = mint_token(other.user_ids[0], a.id, "member");
  for (int i = 0; i < 10; ++i) {
    auto r = get(server, "/v1/tenants/" + a.id + "/entitlements", stranger);
    expect_problem(r, 401, "membership_revoked");
    EXPECT_EQ(r.header("ratelimit"), "");
  }
  const std::string member_a = mint_token(a.user_ids[1], a.id, "member");
  auto r = get(server, "/v1/entitlements", member_a);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("ratelimit").rfind("\"tenant\";r=2;", 0), 0u) << r.header("ratelimit");
}

TEST(TenantRateLimit, SwitchedOffNeitherLimitsNorCounts) {
  const Seed a = limited_tenant("rl-off", 2);
  {
    TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                           {"TENANT_RATE_LIMIT_ENABLED", "false"},
                           {"USAGE_METERING_ENABLED", "false"}});
    const std::string member_a = mint_token(a.user_ids[1], a.id, "member");
    for (int i = 0; i < 4; ++i) {
      auto r = get(server, "/v1/entitlements", member_a);
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.header("ratelimit"), "");
    }
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_EQ(api_calls_of(a), "0");
}

// N requests, SIGTERM, N api_calls in usage_daily: the flush at shutdown loses nothing, and
// before it no request wrote a row (the periodic flush is set far beyond the test).
TEST(UsageMetering, NoCallIsLostOnACleanShutdown) {
  const Seed a = seed_tenant("usage-flush", 2);
  const Seed b = seed_tenant("usage-other", 1);
  constexpr int kN = 37;
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"USAGE_FLUSH_SECONDS", "300"}});
  const std::string member_a = mint_token(a.user_ids[1], a.id, "member");
  int answered = 0;
  for (int i = 0; i < kN; ++i) {
    // successes and refusals alike are calls the tenant made
    auto r = get(server, i % 3 == 0 ? "/v1/roles/00000000-0000-4000-8000-000000000000" : "/v1/entitlements",
                 member_a);
    if (r.status == 200 || r.status == 404) ++answered;
  }
  ASSERT_EQ(answered, kN);
  EXPECT_EQ(get(server, "/v1/entitlements", mint_token(b.user_ids[0], b.id, "tenant_admin")).status, 200);
  EXPECT_EQ(api_calls_of(a), "0") << "no row is written per request";
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(api_calls_of(a), std::to_string(kN));
  EXPECT_EQ(api_calls_of(b), "1");
  EXPECT_EQ(q1("select day from tenantd.usage_daily where tenant_id = '" + a.id + "'"),
            q1("select (now() at time zone 'UTC')::date"));
}

// The periodic flush: counts reach the database while the service runs.
TEST(UsageMetering, FlushesPeriodically) {
  const Seed a = seed_tenant("usage-periodic", 1);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"USAGE_FLUSH_SECONDS", "1"}});
  const std::string admin_a = mint_token(a.user_ids[0], a.id, "tenant_admin");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get(server, "/v1/entitlements", admin_a).status, 200);
  EXPECT_TRUE(wait_for([&] { return api_calls_of(a) == "3"; })) << api_calls_of(a);
}

}  // namespace
}  // namespace tenantd::test
