// The per-tenant API rate limit and api_calls metering over real HTTP against real PostgreSQL:
// RateLimit headers and 429, a stranger cannot spend a tenant's requests, the two switches, and
// no usage row lost on a clean shutdown (N requests, SIGTERM, N counted). App-defined meters
// (POST /v1/usage/events: idempotent by event id, also under concurrency), the usage reports, the
// daily sample job run by a real worker, and the sessions limit on login.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

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

HttpResponse send(const TenantdProcess& p, const std::string& method, const std::string& path,
                  const std::string& tok, const std::string& body = "") {
  Headers h = bearer(tok);
  if (!body.empty()) h["Content-Type"] = "application/json";
  return http_request(p.port(), method, path, h, body);
}

// now - `ago` as RFC 3339 in UTC, by the database's clock (the one the window is checked with)
std::string at(const std::string& ago = "0 seconds") {
  return q1("select to_char((now() - interval '" + ago +
            "') at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
}

std::string event(const std::string& id, const std::string& metric, const std::string& value,
                  const std::string& occurred_at) {
  return R"({"id":")" + id + R"(","metric":")" + metric + R"(","value":)" + value + R"(,"occurred_at":")" +
         occurred_at + R"("})";
}

std::string usage_of(const Seed& t, const std::string& metric) {
  return q1("select coalesce(sum(value), 0) from tenantd.usage_daily where tenant_id = '" + t.id +
            "' and metric = '" + metric + "'");
}

class UsageApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ =
        new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret}, {"DB_POOL_SIZE", "8"}, {"HTTP_THREADS", "8"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline TenantdProcess* server_ = nullptr;
};

// One event: 201 recorded, 200 duplicate, 409 for the id with another value; the day counts it
// once. Validation answers 422 naming the field; a member (no usage:write) is refused.
TEST_F(UsageApi, EventsAreIdempotentByIdAndValidated) {
  const Seed t = seed_tenant("uev", 2);
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  const std::string now = at();
  const std::string e1 = event("order-1001", "transactions", "3", now);

  auto first = send(*server_, "POST", "/v1/usage/events", admin, e1);
  ASSERT_EQ(first.status, 201) << first.body;
  auto d = parse(first.body);
  EXPECT_EQ(str(d, "status"), "recorded");
  EXPECT_EQ(str(d, "id"), "order-1001");
  EXPECT_EQ(d["value"].GetInt(), 3);
  auto again = send(*server_, "POST", "/v1/usage/events", admin, e1);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(parse(again.body), "status"), "duplicate");
  auto other =
      send(*server_, "POST", "/v1/usage/events", admin, event("order-1001", "transactions", "4", now));
  expect_problem(other, 409, "usage_event_conflict");
  EXPECT_EQ(str(parse(other.body), "id"), "order-1001");
  EXPECT_EQ(usage_of(t, "transactions"), "3");

  // a batch: in order, a repeat inside it counted once
  auto batch = send(*server_, "POST", "/v1/usage/events", admin,
                    R"({"events":[)" + event("wf-1", "workflow_executions", "1", now) + "," +
                        event("wf-2", "workflow_executions", "2", at("1 day")) + "," +
                        event("wf-1", "workflow_executions", "1", now) + "," + e1 + "]}");
  ASSERT_EQ(batch.status, 200) << batch.body;
  auto b = parse(batch.body);
  EXPECT_EQ(b["recorded"].GetInt(), 2);
  EXPECT_EQ(b["duplicates"].GetInt(), 2);
  ASSERT_TRUE(b["data"].IsArray());
  EXPECT_EQ(str(b["data"][2], "status"), "duplicate");
  EXPECT_EQ(usage_of(t, "workflow_executions"), "3");

  // refusals: the field is named, nothing is counted
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {event("x1", "api_calls", "1", now), 422, "invalid_usage_event"},
      {event("x1", "Transactions", "1", now), 422, "invalid_usage_event"},
      {event("x1", "transactions", "0", now), 422, "invalid_usage_event"},
      {event("x1", "transactions", "1.5", now), 422, "invalid_usage_event"},
      {event("x1", "transactions", "99999999999", now), 422, "invalid_usage_event"},
      {event("x1", "transactions", "\"7\"", now), 422, "invalid_usage_event"},
      {event("x1", "transactions", "1", at("-1 hour")), 422, "invalid_usage_event"},
      {event("x1", "transactions", "1", at("8 days")), 422, "invalid_usage_event"},
      {event("x1", "transactions", "1", "yesterday"), 422, "invalid_usage_event"},
      {event("x 1", "transactions", "1", now), 422, "invalid_usage_event"},
      {R"({"id":"x1","metric":"transactions","value":1})", 422, "invalid_usage_event"},
      {R"({"id":"x1","metric":"transactions","value":1,"occurred_at":")" + now + R"(","amount":2})", 422,
       "invalid_usage_event"},
      {R"({"events":[]})", 400, "invalid_field_type"},
      {R"({"events":{"id":"x1"}})", 400, "invalid_field_type"},
      {R"({"events":[1,2]})", 422, "invalid_usage_event"},
      {R"({"events":[)" + event("x1", "transactions", "1", now) + "],\"extra\":1}", 400, "unknown_field"},
      {"", 400, "body_required"},
  };
  for (const auto& c : cases) {
    auto r = send(*server_, "POST", "/v1/usage/events", admin, c.body);
    SCOPED_TRACE(c.body);
    expect_problem(r, c.status, c.code);
  }
  auto named = send(*server_, "POST", "/v1/usage/events", admin, event("x1", "transactions", "0", now));
  auto nd = parse(named.body);
  EXPECT_EQ(str(nd, "field"), "value");
  EXPECT_TRUE(nd.HasMember("index") && nd["index"].IsInt() && nd["index"].GetInt() == 0) << named.body;
  std::string many = R"({"events":[)";
  for (int i = 0; i < 101; ++i)
    many += (i ? "," : "") + event("m" + std::to_string(i), "transactions", "1", now);
  expect_problem(send(*server_, "POST", "/v1/usage/events", admin, many + "]}"), 422, "too_many_entries");
  EXPECT_EQ(usage_of(t, "transactions"), "3");
  EXPECT_EQ(q1("select count(*) from tenantd.usage_events where tenant_id = '" + t.id + "'"), "3");

  // usage:write: tenant_admin only among the built-in roles
  const std::string member = mint_token(t.user_ids[1], t.id, "member");
  expect_problem(send(*server_, "POST", "/v1/usage/events", member, event("m1", "transactions", "1", now)),
                 403, "forbidden");
  // an operator reports for a tenant by naming it
  const std::string ops = mint_token("ops-" + uniq(), std::nullopt, "super_admin");
  auto op = send(*server_, "POST", "/v1/tenants/" + t.slug + "/usage/events", ops,
                 event("op-1", "transactions", "2", now));
  EXPECT_EQ(op.status, 201) << op.body;
  EXPECT_EQ(usage_of(t, "transactions"), "5");
}

// The same event reported 20 times at once: one 201, nineteen duplicates, counted once.
TEST_F(UsageApi, ConcurrentReportsOfOneEventCountOnce) {
  const Seed t = seed_tenant("uev-race", 1);
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  const std::string body = event("race-1", "transactions", "7", at());
  constexpr int kN = 20;
  std::vector<HttpResponse> answers(kN);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      answers[i] = send(*server_, "POST", "/v1/usage/events", admin, body);
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  int recorded = 0, duplicates = 0;
  for (const auto& a : answers) {
    if (a.status == 201) ++recorded;
    if (a.status == 200 && str(parse(a.body), "status") == "duplicate") ++duplicates;
  }
  EXPECT_EQ(recorded, 1);
  EXPECT_EQ(duplicates, kN - 1);
  EXPECT_EQ(usage_of(t, "transactions"), "7");
}

// Batches that overlap, sent at once in opposite orders: no deadlock (rows are locked in id
// order, day sums in (metric, day) order), every answer 200, each event counted once.
TEST_F(UsageApi, OverlappingBatchesInOppositeOrdersCountEachEventOnce) {
  const Seed t = seed_tenant("uev-overlap", 1);
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  const std::string now = at(), yesterday = at("1 day");
  constexpr int kEvents = 30, kThreads = 8;
  std::vector<std::string> events;
  for (int i = 0; i < kEvents; ++i) {
    events.push_back(event("ov-" + std::to_string(i), i % 2 ? "transactions" : "workflow_executions", "1",
                           i % 3 ? now : yesterday));
  }
  std::vector<HttpResponse> answers(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int k = 0; k < kThreads; ++k) {
    threads.emplace_back([&, k] {
      std::string body = R"({"events":[)";
      for (int i = 0; i < kEvents; ++i) body += (i ? "," : "") + events[k % 2 ? kEvents - 1 - i : i];
      while (!go.load()) std::this_thread::yield();
      answers[k] = send(*server_, "POST", "/v1/usage/events", admin, body + "]}");
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  int recorded = 0;
  for (const auto& a : answers) {
    ASSERT_EQ(a.status, 200) << a.body;
    recorded += parse(a.body)["recorded"].GetInt();
  }
  EXPECT_EQ(recorded, kEvents);
  EXPECT_EQ(usage_of(t, "transactions"), std::to_string(kEvents / 2));
  EXPECT_EQ(usage_of(t, "workflow_executions"), std::to_string(kEvents / 2));
}

// GET /v1/usage, /usage/daily, /usage/trends: shapes, both spellings, usage:read, bad input.
TEST_F(UsageApi, ReportsAnswerTheTenantsOwnUsage) {
  const Seed t = seed_tenant("urep", 2);
  const Seed other = seed_tenant("urep-other", 1);
  admin_exec("insert into tenantd.usage_daily (tenant_id, metric, day, value) select '" + t.id +
             "', 'transactions', (now() at time zone 'UTC')::date - i, 10 + i from generate_series(0, 8) i");
  admin_exec("insert into tenantd.usage_daily (tenant_id, metric, day, value) values ('" + other.id +
             "', 'transactions', (now() at time zone 'UTC')::date, 999999)");
  const std::string member = mint_token(t.user_ids[1], t.id, "member");
  const std::string today = q1("select (now() at time zone 'UTC')::date");

  auto cur = send(*server_, "GET", "/v1/usage", member);
  ASSERT_EQ(cur.status, 200) << cur.body;
  auto c = parse(cur.body);
  EXPECT_EQ(str(c, "tenant_id"), t.id);
  EXPECT_EQ(str(c, "period"), q1("select to_char(now() at time zone 'UTC', 'YYYY-MM')"));
  bool saw_members = false, saw_transactions = false;
  for (const auto& e : c["data"].GetArray()) {
    if (str(e, "metric") == "members") {
      saw_members = true;
      EXPECT_EQ(str(e, "kind"), "current_quota");
      EXPECT_EQ(e["value"].GetInt(), 2);
      EXPECT_TRUE(e["limit"].IsNull());  // enterprise: unlimited
    }
    if (str(e, "metric") == "transactions") {
      saw_transactions = true;
      EXPECT_EQ(str(e, "kind"), "counter");
      EXPECT_EQ(
          std::to_string(e["value"].GetInt64()),
          q1("select sum(value) from tenantd.usage_daily where tenant_id = '" + t.id +
             "' and metric = 'transactions' and day >= date_trunc('month', now() at time zone 'UTC')::date"));
    }
  }
  EXPECT_TRUE(saw_members && saw_transactions) << cur.body;
  EXPECT_EQ(cur.body.find("999999"), std::string::npos);

  auto daily =
      send(*server_, "GET", "/v1/usage/daily?metric=transactions&from=" + today + "&to=" + today, member);
  ASSERT_EQ(daily.status, 200) << daily.body;
  auto dd = parse(daily.body);
  ASSERT_EQ(dd["data"].Size(), 1u);
  EXPECT_EQ(dd["data"][0]["value"].GetInt(), 10);

  auto trends = send(*server_, "GET", "/v1/usage/trends?metric=transactions&days=1", member);
  ASSERT_EQ(trends.status, 200) << trends.body;
  auto tr = parse(trends.body);
  EXPECT_EQ(tr["data"][0]["value"].GetInt(), 10);
  EXPECT_EQ(tr["data"][0]["day_over_day"]["previous"].GetInt(), 11);
  EXPECT_EQ(tr["data"][0]["week_over_week"]["previous"].GetInt(), 17);

  // the operator's spelling, by slug
  const std::string ops = mint_token("ops-" + uniq(), std::nullopt, "super_admin");
  auto op =
      send(*server_, "GET", "/v1/tenants/" + t.slug + "/usage/daily?metric=transactions&from=" + today, ops);
  ASSERT_EQ(op.status, 200) << op.body;
  EXPECT_EQ(parse(op.body)["data"][0]["value"].GetInt(), 10);
  // a member of another tenant naming this one
  const std::string stranger = mint_token(other.user_ids[0], t.id, "tenant_admin");
  auto st = send(*server_, "GET", "/v1/tenants/" + t.id + "/usage", stranger);
  EXPECT_GE(st.status, 400);
  EXPECT_EQ(st.body.find("\"transactions\""), std::string::npos);

  expect_problem(send(*server_, "GET", "/v1/usage/daily?from=2026-02-30", member), 400, "invalid_date");
  expect_problem(send(*server_, "GET", "/v1/usage/daily?from=2026-05-02&to=2026-05-01", member), 400,
                 "invalid_time_range");
  expect_problem(
      send(*server_, "GET", "/v1/usage/daily?metric=transactions&from=2020-01-01&to=2026-01-01", member), 400,
      "invalid_time_range");
  expect_problem(send(*server_, "GET", "/v1/usage/daily?metric=DROP%20TABLE", member), 400, "invalid_metric");
  expect_problem(send(*server_, "GET", "/v1/usage/trends?days=7", member), 400, "invalid_metric");
  expect_problem(send(*server_, "GET", "/v1/usage/trends?metric=api_calls&days=abc", member), 400,
                 "invalid_query");
  expect_problem(send(*server_, "GET", "/v1/usage/trends?metric=api_calls&days=365", member), 400,
                 "invalid_time_range");

  // usage:read: a tenant-defined role without it is refused
  admin_exec("insert into tenantd.roles (tenant_id, name) values ('" + t.id + "', 'no_usage')");
  admin_exec("update tenantd.memberships set role = 'no_usage' where tenant_id = '" + t.id +
             "' and user_id = '" + t.user_ids[1] + "'");
  const std::string no_usage = mint_token(t.user_ids[1], t.id, "no_usage");
  expect_problem(send(*server_, "GET", "/v1/usage", no_usage), 403, "forbidden");
  expect_problem(send(*server_, "GET", "/v1/usage/trends?metric=transactions", no_usage), 403, "forbidden");
}

// The sessions limit (max_sessions) on login: refused with quota_exceeded at the limit, a
// logout frees a place, and a locked counter fails closed (503), never an admission.
TEST_F(UsageApi, LoginsStopAtTheSessionsLimit) {
  const Seed t = seed_tenant("usess", 1);
  admin_exec("insert into tenantd.entitlement_overrides (tenant_id, limits) values ('" + t.id +
             "', '{\"sessions\": 1}')");
  const auto [uid, email] = member_with_password(t, "pass-word-49");
  auto login = [&] {
    return http_request(
        server_->port(), "POST", "/v1/auth/token", {{"Content-Type", "application/json"}},
        R"({"tenant":")" + t.slug + R"(","email":")" + email + R"(","password":"pass-word-49"})");
  };
  auto first = login();
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = login();
  expect_problem(second, 403, "quota_exceeded");
  auto p = parse(second.body);
  EXPECT_EQ(str(p, "metric"), "sessions");
  EXPECT_EQ(p["limit"].GetInt(), 1);
  EXPECT_EQ(p["used"].GetInt(), 1);
  EXPECT_TRUE(p["resets_at"].IsNull());
  EXPECT_EQ(
      q1("select count(*) from tenantd.sessions where tenant_id = '" + t.id + "' and revoked_at is null"),
      "1");

  // a refresh replaces its session: allowed at the limit
  auto refreshed =
      http_request(server_->port(), "POST", "/v1/auth/refresh", {{"Content-Type", "application/json"}},
                   R"({"refresh_token":")" + str(parse(first.body), "refresh_token") + R"("})");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto out = http_request(server_->port(), "POST", "/v1/auth/logout", {{"Content-Type", "application/json"}},
                          R"({"refresh_token":")" + str(parse(refreshed.body), "refresh_token") + R"("})");
  ASSERT_LT(out.status, 300) << out.body;
  auto third = login();
  ASSERT_EQ(third.status, 200) << third.body;

  // fail closed: the counter row held by another session past the lock timeout
  {
    pqxx::connection holder(admin_url());
    pqxx::work tx(holder);
    tx.exec("select value from tenantd.quota_counters where tenant_id = '" + t.id +
            "' and metric = 'sessions' and period = 'current' for update");
    admin_exec("update tenantd.entitlement_overrides set limits = '{\"sessions\": 5}' where tenant_id = '" +
               t.id + "'");
    auto held = login();
    expect_problem(held, 503, "quota_unavailable");
    tx.abort();
  }
  EXPECT_EQ(
      q1("select count(*) from tenantd.sessions where tenant_id = '" + t.id + "' and revoked_at is null"),
      "1");
  EXPECT_EQ(login().status, 200);
}

// The daily sample, run by a real worker: today's 'usage.snapshot' is scheduled once (dedupe
// key), and a job for a given day writes users_count, storage_rows and storage_bytes for it.
TEST(UsageSnapshot, AWorkerSamplesEveryTenantForTheDay) {
  const Seed t = seed_tenant("usnap", 3);
  admin_exec("update tenantd.memberships set disabled = true where tenant_id = '" + t.id +
             "' and user_id = '" + t.user_ids[2] + "'");
  const std::string day = q1("select (date '2001-01-01' + (random() * 3000)::int)::text");
  admin_exec("delete from tenantd.jobs where dedupe_key = 'usage.snapshot-test:" + day + "'");
  const std::string id = q1("select tenantd.enqueue_job('usage.snapshot', jsonb_build_object('day', '" + day +
                            "'), now(), 3, 'usage.snapshot-test:" + day + "')");
  const pid_t w =
      spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "100"}}, source_dir() + "/var/usage-worker.log");
  EXPECT_TRUE(wait_for([&] { return q1("select state from tenantd.jobs where id = " + id) == "completed"; }))
      << q1("select last_error from tenantd.jobs where id = " + id);
  EXPECT_TRUE(wait_for([&] {
    return q1("select count(*) from tenantd.jobs where dedupe_key = 'usage.snapshot:' || "
              "to_char(now() at time zone 'utc', 'YYYY-MM-DD')") == "1";
  })) << "the worker schedules today's sample";
  EXPECT_EQ(stop_process(w), 0);
  auto value = [&](const std::string& metric) {
    return q1("select value from tenantd.usage_daily where tenant_id = '" + t.id + "' and metric = '" +
              metric + "' and day = '" + day + "'");
  };
  EXPECT_EQ(value("users_count"), "2") << "active memberships only";
  EXPECT_GT(std::stoll(value("storage_rows")), 3);
  EXPECT_GT(std::stoll(value("storage_bytes")), std::stoll(value("storage_rows")) * 24);
}

}  // namespace
}  // namespace tenantd::test
