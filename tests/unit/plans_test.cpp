// Issue 10's in-process parts: the per-tenant token bucket and its IETF RateLimit header values,
// the policy cache, the usage meter's flush document, and a raised error's extension members in
// the problem body.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "http/problem.hpp"
#include "http/tenant_rate_limit.hpp"
#include "http/usage_meter.hpp"

namespace tenantd {
namespace {

using Clock = TenantRateLimits::Clock;

TEST(TenantRateLimits, BurstToTheLimitThenTheSustainedRate) {
  TenantRateLimits limits;
  const auto t0 = Clock::now();
  for (int i = 0; i < 60; ++i) {
    auto d = limits.take("t1", 60, t0);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 59 - i);
  }
  auto refused = limits.take("t1", 60, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after, 1);     // one token a second at 60 per minute
  EXPECT_EQ(refused.reset_seconds, 60);  // until the bucket is full again
  EXPECT_TRUE(limits.take("t2", 60, t0).allowed) << "another tenant has its own bucket";
  EXPECT_TRUE(limits.take("t1", 60, t0 + std::chrono::seconds(1)).allowed) << "a token a second comes back";
  EXPECT_FALSE(limits.take("t1", 60, t0 + std::chrono::seconds(1)).allowed);
}

TEST(TenantRateLimits, APlanChangeStartsANewBucket) {
  TenantRateLimits limits;
  const auto t0 = Clock::now();
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(limits.take("t", 2, t0).allowed);
  EXPECT_FALSE(limits.take("t", 2, t0).allowed);
  auto d = limits.take("t", 120, t0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 120);
  EXPECT_EQ(d.remaining, 119);
}

// A principal's first request in a tenant within the minute runs before its policy is known (its
// own statement answers it); it is still refused when the tenant its reference named for an
// accepted principal has no token left, and peeking takes none.
TEST(TenantRateLimits, AnUnknownPrincipalIsRefusedByPeekingAtTheReferencesBucket) {
  TenantRateLimits limits;
  const auto t0 = Clock::now();
  EXPECT_FALSE(limits.peek_reference("acme", t0)) << "a reference nobody was accepted under: no answer";
  const auto p = TenantRateLimits::parse(R"({"tenant_id": "t-uuid", "requests_per_minute": 2})");
  ASSERT_EQ(p.tenant_id, "t-uuid");
  ASSERT_EQ(p.per_minute, 2);
  limits.note_reference("acme", p);
  EXPECT_FALSE(limits.peek_reference("acme", t0)) << "no bucket yet: full";
  ASSERT_TRUE(limits.take("t-uuid", 2, t0).allowed);
  auto d = limits.peek_reference("acme", t0);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->allowed);
  EXPECT_EQ(d->remaining, 1);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(limits.peek_reference("acme", t0)->allowed) << "peeking takes no token";
  ASSERT_TRUE(limits.take("t-uuid", 2, t0).allowed);
  d = limits.peek_reference("acme", t0);
  EXPECT_FALSE(d->allowed);
  EXPECT_EQ(d->limit, 2);
  EXPECT_EQ(d->retry_after, 30);  // one token per 30 s at 2 a minute
  EXPECT_TRUE(limits.peek_reference("acme", t0 + std::chrono::seconds(30))->allowed);
  EXPECT_FALSE(limits.peek_reference("other", t0));
}

TEST(TenantRateLimits, ParseTakesOnlyAPolicyWithATenant) {
  EXPECT_EQ(TenantRateLimits::parse("{}").tenant_id, "");
  EXPECT_EQ(TenantRateLimits::parse("not json").tenant_id, "");
  EXPECT_EQ(TenantRateLimits::parse(R"({"tenant_id": 5})").tenant_id, "");
  const auto unlimited = TenantRateLimits::parse(R"({"tenant_id": "t", "requests_per_minute": null})");
  EXPECT_EQ(unlimited.tenant_id, "t");
  EXPECT_EQ(unlimited.per_minute, 0);
  EXPECT_EQ(TenantRateLimits::parse(R"({"tenant_id": "t", "requests_per_minute": -3})").per_minute, 0);
}

TEST(TenantRateLimits, HeaderValuesFollowTheIetfDraft) {
  TenantRateLimits::Decision d;
  d.limit = 600;
  d.remaining = 598;
  d.reset_seconds = 1;
  EXPECT_EQ(TenantRateLimits::policy_header(d), "\"tenant\";q=600;w=60");
  EXPECT_EQ(TenantRateLimits::state_header(d), "\"tenant\";r=598;t=1");
}

TEST(TenantRateLimits, PolicyIsFetchedOncePerKeyAndTtlAndTransientFailuresAreNotKept) {
  TenantRateLimits limits;
  int fetches = 0;
  auto fetch = [&] {
    ++fetches;
    return TenantRateLimits::Policy{"tenant-uuid", 60, true};
  };
  const auto t0 = Clock::now();
  EXPECT_EQ(limits.policy("ref\nsub", fetch, t0).tenant_id, "tenant-uuid");
  EXPECT_EQ(limits.policy("ref\nsub", fetch, t0 + std::chrono::seconds(59)).per_minute, 60);
  EXPECT_EQ(fetches, 1);
  limits.policy("ref\nsub", fetch, t0 + TenantRateLimits::kTtl + std::chrono::seconds(1));
  EXPECT_EQ(fetches, 2) << "fetched again after the TTL";
  limits.policy("ref\nother", fetch, t0);
  EXPECT_EQ(fetches, 3) << "another principal is checked on its own";

  int transient = 0;
  auto failing = [&] {
    ++transient;
    TenantRateLimits::Policy p;
    p.cacheable = false;
    return p;
  };
  limits.policy("x", failing, t0);
  limits.policy("x", failing, t0);
  EXPECT_EQ(transient, 2);
}

TEST(TenantRateLimits, MemoryIsBounded) {
  TenantRateLimits limits(2);
  const auto t0 = Clock::now();
  limits.take("a", 1, t0);
  limits.take("b", 1, t0);
  limits.take("c", 1, t0);  // drops a
  EXPECT_TRUE(limits.take("a", 1, t0).allowed) << "a dropped bucket starts full";
}

TEST(UsageMeter, TakesEveryCountOnceAndPutsBackAFailedFlush) {
  UsageMeter m;
  m.add("t1", "2026-12-01");
  m.add("t1", "2026-12-01");
  m.add("t2", "2026-12-01", 5);
  EXPECT_EQ(m.pending(), 7);
  const std::string json = m.take_json();
  EXPECT_EQ(
      json,
      R"([{"tenant_id":"t1","day":"2026-12-01","count":2},{"tenant_id":"t2","day":"2026-12-01","count":5}])");
  EXPECT_EQ(m.pending(), 0);
  EXPECT_EQ(m.take_json(), "");
  m.add("t1", "2026-12-01");
  m.put_back(json);
  EXPECT_EQ(m.pending(), 8);
  EXPECT_EQ(UsageMeter::utc_day().size(), 10u);
}

TEST(ProblemExtensions, ADetailObjectBecomesExtensionMembers) {
  const std::string err =
      "ERROR:  the members quota of this tenant is used up (5 of 5)\n"
      "DETAIL:  {\"used\": 5, \"limit\": 5, \"metric\": \"members\", \"resets_at\": null}\n"
      "CONTEXT:  PL/pgSQL function tenantd.consume_quota(text,integer) line 70 at RAISE\n";
  const std::string ext = problem_extensions_from_error(err);
  ASSERT_FALSE(ext.empty());
  rapidjson::Document d;
  d.Parse(problem_json(403, "quota_exceeded", "used up", "/v1/users", "rid", ext).c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["limit"].GetInt(), 5);
  EXPECT_EQ(d["used"].GetInt(), 5);
  EXPECT_STREQ(d["metric"].GetString(), "members");
  EXPECT_TRUE(d["resets_at"].IsNull());
  EXPECT_STREQ(d["code"].GetString(), "quota_exceeded");
}

TEST(ProblemExtensions, OnlyAJsonObjectCountsAndStandardMembersStay) {
  struct Case {
    const char* text;
    bool extensions;
  };
  const Case cases[] = {
      {"ERROR:  x\n", false},
      {"ERROR:  x\nDETAIL:  Key (email)=(a@b.c) already exists.\n", false},
      {"ERROR:  x\nDETAIL:  [1, 2]\n", false},
      {"ERROR:  x\nDETAIL:  {\"a\": \n", false},
      {"ERROR:  x\nHINT:  {\"a\": 1}\n", false},
      {"ERROR:  x\nDETAIL:  {\"a\": 1}", true},
  };
  for (const auto& c : cases)
    EXPECT_EQ(!problem_extensions_from_error(c.text).empty(), c.extensions) << c.text;

  rapidjson::Document d;
  d.Parse(problem_json(403, "quota_exceeded", "d", "/p", "rid",
                       R"({"code": "ok", "status": 200, "type": "x", "detail": "y", "extra": true})")
              .c_str());
  EXPECT_STREQ(d["code"].GetString(), "quota_exceeded");
  EXPECT_EQ(d["status"].GetInt(), 403);
  EXPECT_STREQ(d["detail"].GetString(), "d");
  EXPECT_TRUE(d["extra"].GetBool());
}

}  // namespace
}  // namespace tenantd
