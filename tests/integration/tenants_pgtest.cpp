// The tenant lifecycle over real HTTP (issue 4 §1): create with derived and explicit slugs,
// list with filters, sorts and keyset cursors, stats, read, patch, activate, suspend, soft
// delete, and the 403 tenant_suspended answer for every tenant-scoped request of a suspended or
// deleted tenant. Other suites create tenants too: every assertion looks at tenants this suite
// made (names carry a per-run tag) or compares with counts read as the superuser.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <tuple>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

// Hides test::str in this file: "<none>" when absent, so the tests below tell absent from empty.
std::string str(const rapidjson::Value& v, const char* k) {
  if (!v.IsObject() || !v.HasMember(k) || !v[k].IsString()) return "<none>";
  return v[k].GetString();
}

std::string sql_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) {
    o += c;
    if (c == '\'') o += '\'';
  }
  return o + "'";
}

class TenantsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = "t" + util::new_uuid().substr(0, 8);
    a_ = new Seed(seed_tenant("tna", 3));
    b_ = new Seed(seed_tenant("tnb", 3));
    ops_ = util::new_uuid();
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"DB_POOL_SIZE", "4"},
                                  {"HTTP_THREADS", "4"},
                                  {"BASE_DOMAIN", "example.test"},
                                  // no workers: created tenants stay pending, as these tests
                                  // expect (provisioning is tested in signup_pgtest.cpp)
                                  {"WORKERS", "0"},
                                  {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
  }

  static HttpResponse req(const std::string& method, const std::string& path, Headers h = {},
                          const std::string& body = "") {
    if (!body.empty() && !h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static std::string sa() { return mint_token(ops_, std::nullopt, "super_admin"); }
  static Headers sa_h() { return bearer(sa()); }
  static std::string admin_of(const Seed& s) { return mint_token(s.user_ids[0], s.id, "tenant_admin"); }
  static std::string member_of(const Seed& s) { return mint_token(s.user_ids[1], s.id, "member"); }

  // POST /v1/tenants as the super admin; returns the parsed tenant (asserts 202: the tenant is
  // provisioned by its job, issue 5).
  static rapidjson::Document create(const std::string& body) {
    auto r = req("POST", "/v1/tenants", sa_h(), body);
    EXPECT_EQ(r.status, 202) << body << " -> " << r.body;
    return parse(r.body);
  }
  static std::string create_named(const std::string& name, const std::string& plan = "free") {
    auto d = create(R"({"name":")" + name + R"(","plan":")" + plan + R"("})");
    return str(d, "id");
  }

  // Every id of GET path (following next_cursor), asserting each page is 200.
  static std::vector<std::string> all_pages(const std::string& path, int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string cursor;
    for (int i = 0; i < 100; ++i) {
      auto r = req("GET", path + (cursor.empty() ? "" : "&cursor=" + cursor), sa_h());
      EXPECT_EQ(r.status, 200) << r.body;
      auto d = parse(r.body);
      if (!d.IsObject() || !d.HasMember("data")) break;
      for (const auto& t : d["data"].GetArray()) ids.push_back(t["id"].GetString());
      if (pages) ++*pages;
      if (d["next_cursor"].IsNull()) break;
      cursor = d["next_cursor"].GetString();
    }
    return ids;
  }

  static inline std::string tag_;
  static inline std::string ops_;
  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
};

TEST_F(TenantsTest, CreateDerivesSlugsAndAudits) {
  const std::string name = "Acme Widgets " + tag_;
  auto r = req("POST", "/v1/tenants", sa_h(),
               R"({"name":")" + name + R"(","plan":"pro","description":"d","metadata":{"crm":{"id":7}}})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto d = parse(r.body);
  const std::string id = str(d, "id");
  EXPECT_TRUE(util::is_uuid(id));
  EXPECT_EQ(str(d, "status_url"), "/v1/tenant-status/" + id);
  EXPECT_EQ(q1("select count(*) from tenantd.jobs where dedupe_key = 'provision:" + id + "'"), "1");
  EXPECT_EQ(str(d, "slug"), "acme-widgets-" + tag_);
  EXPECT_EQ(str(d, "status"), "pending");
  EXPECT_EQ(str(d, "plan"), "pro");
  EXPECT_EQ(str(d, "description"), "d");
  EXPECT_EQ(d["metadata"]["crm"]["id"].GetInt(), 7);
  EXPECT_EQ(r.header("location"), "/v1/tenants/" + id);
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where tenant_id = '" + id +
         "' and action = 'tenant.created' and actor_role = 'super_admin' and actor_id = '" + ops_ + "'"),
      "1");
  // The same name again: a numeric suffix. psql derives the same slug.
  auto again = create(R"({"name":")" + name + R"(","plan":"free"})");
  EXPECT_EQ(str(again, "slug"), "acme-widgets-" + tag_ + "-2");
  EXPECT_EQ(q1("select tenantd.slugify(" + sql_quote(name) + ")"), "acme-widgets-" + tag_);
  // An explicit slug is used as given; taken → 409; reserved or malformed → 422.
  const std::string slug = "explicit-" + tag_;
  auto ex = create(R"({"name":"X","plan":"free","slug":")" + slug + R"("})");
  EXPECT_EQ(str(ex, "slug"), slug);
  expect_problem(req("POST", "/v1/tenants", sa_h(), R"({"name":"Y","plan":"free","slug":")" + slug + R"("})"),
                 409, "slug_taken");
  for (const char* bad : {"www", "api", "admin", "app", "stats"}) {
    expect_problem(req("POST", "/v1/tenants", sa_h(),
                       std::string(R"({"name":"Y","plan":"free","slug":")") + bad + "\"}"),
                   422, "validation_failed");
  }
  for (const char* bad :
       {"Bad_Slug", "-lead", "trail-", "a.b", "xn--abc", "", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"}) {
    expect_problem(req("POST", "/v1/tenants", sa_h(),
                       std::string(R"({"name":"Y","plan":"free","slug":")") + bad + "\"}"),
                   422, "validation_failed");
  }
  expect_problem(req("POST", "/v1/tenants", sa_h(),
                     R"({"name":"Y","plan":"free","slug":")" + std::string(64, 'a') + "\"}"),
                 422, "validation_failed");
  // A reserved derived slug gets a suffix instead.
  auto derived = create(R"({"name":"Admin","plan":"free"})");
  EXPECT_NE(str(derived, "slug"), "admin");
  EXPECT_EQ(str(derived, "slug").rfind("admin-", 0), 0u) << str(derived, "slug");
}

TEST_F(TenantsTest, CreateRefusesBadInputAndNonSuperAdmins) {
  const auto h = sa_h();
  expect_problem(req("POST", "/v1/tenants", h, R"({"plan":"free"})"), 400, "missing_field");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"N"})"), 400, "missing_field");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"N","plan":"platinum"})"), 422,
                 "validation_failed");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"   ","plan":"free"})"), 422, "validation_failed");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":42,"plan":"free"})"), 400, "invalid_field_type");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"N","plan":"free","metadata":[1]})"), 400,
                 "invalid_field_type");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"N","plan":"free","metadata":{"a":"\u0000"}})"),
                 400, "malformed_json");
  expect_problem(req("POST", "/v1/tenants", h, "{\"name\":\"N\xff\",\"plan\":\"free\"}"), 400,
                 "malformed_json");
  expect_problem(req("POST", "/v1/tenants", h, R"({"name":"N","plan":"free","status":"active"})"), 400,
                 "unknown_field");
  expect_problem(
      req("POST", "/v1/tenants", h, R"({"name":")" + std::string(201, 'n') + R"(","plan":"free"})"), 422,
      "validation_failed");
  expect_problem(req("POST", "/v1/tenants", h,
                     R"({"name":"N","plan":"free","metadata":{"k":")" + std::string(70000, 'x') + "\"}}"),
                 422, "validation_failed");
  expect_problem(req("POST", "/v1/tenants", h), 400, "body_required");
  const std::string body = R"({"name":"Intruder )" + tag_ + R"(","plan":"free"})";
  expect_problem(req("POST", "/v1/tenants", bearer(admin_of(*a_)), body), 403, "forbidden");
  expect_problem(req("POST", "/v1/tenants", bearer(member_of(*a_)), body), 403, "forbidden");
  expect_problem(req("POST", "/v1/tenants", {}, body), 401, "unauthenticated");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where name = 'Intruder " + tag_ + "'"), "0");
}

// Race-safe slugs: concurrent sign-ups with one name all succeed with distinct slugs.
TEST_F(TenantsTest, ConcurrentCreatesGetDistinctSlugs) {
  constexpr int kN = 8;
  const std::string name = "Race " + tag_;
  std::vector<std::string> slugs(kN);
  std::vector<int> statuses(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      auto r = req("POST", "/v1/tenants", sa_h(), R"({"name":")" + name + R"(","plan":"free"})");
      statuses[i] = r.status;
      slugs[i] = str(parse(r.body), "slug");
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(slugs.begin(), slugs.end());
  for (int s : statuses) EXPECT_EQ(s, 202);
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kN));
  const std::string base = "race-" + tag_;
  EXPECT_TRUE(distinct.count(base));
  for (int i = 2; i <= kN; ++i) EXPECT_TRUE(distinct.count(base + "-" + std::to_string(i))) << i;
}

TEST_F(TenantsTest, ListFiltersAndSorts) {
  const std::string t = "lst" + tag_;
  // names chosen so that name order differs from creation order
  const std::string c = create_named(t + " charlie", "pro");
  const std::string a = create_named(t + " alpha");
  const std::string b = create_named(t + " bravo", "pro");
  const std::string gone = create_named(t + " deleted");
  ASSERT_EQ(req("DELETE", "/v1/tenants/" + gone, sa_h()).status, 204);
  ASSERT_EQ(req("POST", "/v1/tenants/" + b + "/activate", sa_h()).status, 200);

  auto ids = [&](const std::string& query) { return all_pages("/v1/tenants?limit=200&q=" + t + query); };
  EXPECT_EQ(ids(""), (std::vector<std::string>{c, a, b}))
      << "default: created_at ascending, deleted excluded";
  EXPECT_EQ(ids("&sort=-created_at"), (std::vector<std::string>{b, a, c}));
  EXPECT_EQ(ids("&sort=name"), (std::vector<std::string>{a, b, c}));
  EXPECT_EQ(ids("&sort=-name"), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(ids("&sort=slug"), (std::vector<std::string>{a, b, c}));
  EXPECT_EQ(ids("&sort=-slug"), (std::vector<std::string>{c, b, a}));
  EXPECT_EQ(ids("&plan=pro"), (std::vector<std::string>{c, b}));
  EXPECT_EQ(ids("&status=active"), (std::vector<std::string>{b}));
  EXPECT_EQ(ids("&status=pending&plan=pro"), (std::vector<std::string>{c}));
  EXPECT_TRUE(ids("&status=deleted").empty());
  // q is case-insensitive and matches the slug too; LIKE wildcards are literal
  EXPECT_EQ(all_pages("/v1/tenants?q=" + t + "%20ALPHA"), (std::vector<std::string>{a}));
  EXPECT_EQ(all_pages("/v1/tenants?q=" + t + "-bravo"), (std::vector<std::string>{b}));
  EXPECT_TRUE(all_pages("/v1/tenants?q=" + t + "%25").empty());
  // created_after / created_before
  const std::string b_created =
      q1("select to_char(created_at at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
         "from tenantd.tenants where id = '" +
         b + "'");
  EXPECT_EQ(ids("&created_after=" + b_created), (std::vector<std::string>{b}));
  EXPECT_EQ(ids("&created_before=" + b_created), (std::vector<std::string>{c, a}));
  EXPECT_TRUE(ids("&created_after=2999-01-01T00:00:00Z").empty());
  EXPECT_EQ(
      ids("&created_after=2000-01-01T00:00:00%2B02:00&created_before=2999-12-31T23:59:59.5-05:00").size(),
      3u);
  // the list answer is the tenant object
  auto page = parse(req("GET", "/v1/tenants?q=" + t + "%20alpha", sa_h()).body);
  ASSERT_EQ(page["data"].Size(), 1u);
  EXPECT_EQ(str(page["data"][0], "slug"), t + "-alpha");
  EXPECT_EQ(str(page["data"][0], "status"), "pending");
  EXPECT_TRUE(page["next_cursor"].IsNull());
}

TEST_F(TenantsTest, ListRefusesBadParametersAndNonSuperAdmins) {
  const auto h = sa_h();
  for (const char* bad :
       {"created_after=yesterday", "created_after=2024-13-01T00:00:00Z", "created_after=2023-02-29T00:00:00Z",
        "created_before=2024-01-01", "created_before=2024-01-01T25:00:00Z",
        "created_after=2024-01-01T00:00:00%2B16:00", "created_after=0000-01-01T00:00:00Z"}) {
    expect_problem(req("GET", std::string("/v1/tenants?") + bad, h), 400, "invalid_filter");
  }
  expect_problem(req("GET", "/v1/tenants?status=archived", h), 400, "invalid_filter");
  expect_problem(req("GET", "/v1/tenants?plan=Pro!", h), 400, "invalid_filter");
  expect_problem(req("GET", "/v1/tenants?q=", h), 400, "invalid_filter");
  expect_problem(req("GET", "/v1/tenants?sort=status", h), 400, "invalid_sort");
  expect_problem(req("GET", "/v1/tenants?sort=--name", h), 400, "invalid_sort");
  expect_problem(req("GET", "/v1/tenants?limit=0", h), 400, "invalid_limit");
  expect_problem(req("GET", "/v1/tenants?cursor=%%%", h), 400, "invalid_query");
  expect_problem(req("GET", "/v1/tenants?cursor=AAAA", h), 400, "invalid_cursor");
  // a cursor of one sort used with another
  create_named("cur " + tag_ + " 1");
  create_named("cur " + tag_ + " 2");
  auto first = parse(req("GET", "/v1/tenants?limit=1&sort=name&q=cur%20" + tag_, h).body);
  ASSERT_TRUE(first["next_cursor"].IsString());
  const std::string cur = first["next_cursor"].GetString();
  expect_problem(req("GET", "/v1/tenants?limit=1&sort=slug&cursor=" + cur, h), 400, "invalid_cursor");
  EXPECT_EQ(req("GET", "/v1/tenants?limit=1&sort=name&q=cur%20" + tag_ + "&cursor=" + cur, h).status, 200);
  // forged cursors: right shape, wrong key type
  expect_problem(req("GET", "/v1/tenants?cursor=Y3JlYXRlZF9hdAp4CnkK", h), 400, "invalid_cursor");
  // only super admins list
  expect_problem(req("GET", "/v1/tenants", bearer(admin_of(*a_))), 403, "forbidden");
  expect_problem(req("GET", "/v1/tenants", bearer(member_of(*a_))), 403, "forbidden");
  expect_problem(req("GET", "/v1/tenants"), 401, "unauthenticated");
}

// Keyset pagination: rows inserted between pages never cause a duplicate or a skipped row.
TEST_F(TenantsTest, PaginationIsStableUnderConcurrentInserts) {
  for (const std::string sort : {"created_at", "-created_at", "name", "-name", "slug", "-slug"}) {
    const std::string t = "pg" + util::new_uuid().substr(0, 8);
    std::vector<std::string> before;
    for (int i = 0; i < 7; ++i) before.push_back(create_named(t + " n" + std::to_string((i * 5) % 7)));
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    for (; pages < 50; ++pages) {
      auto r = req(
          "GET", "/v1/tenants?limit=3&sort=" + sort + "&q=" + t + (cursor.empty() ? "" : "&cursor=" + cursor),
          sa_h());
      ASSERT_EQ(r.status, 200) << r.body;
      auto d = parse(r.body);
      for (const auto& x : d["data"].GetArray()) seen.push_back(x["id"].GetString());
      // between pages: new tenants sorting before, among and after the ones already seen
      create_named(t + " n0" + std::to_string(pages));
      create_named(t + " n9" + std::to_string(pages));
      if (d["next_cursor"].IsNull()) break;
      cursor = d["next_cursor"].GetString();
    }
    std::set<std::string> distinct(seen.begin(), seen.end());
    EXPECT_EQ(distinct.size(), seen.size()) << sort << ": a row came twice";
    for (const auto& id : before)
      EXPECT_TRUE(distinct.count(id)) << sort << ": a pre-existing row was skipped";
    EXPECT_GE(pages, 2) << sort;
  }
  // and with a writer inserting concurrently the whole time
  const std::string t = "pc" + util::new_uuid().substr(0, 8);
  std::vector<std::string> before;
  for (int i = 0; i < 10; ++i) before.push_back(create_named(t + " " + std::to_string(i)));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 60; ++i) create_named(t + " w" + std::to_string(i));
  });
  const auto seen = all_pages("/v1/tenants?limit=2&sort=name&q=" + t);
  stop = true;
  writer.join();
  std::set<std::string> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), seen.size());
  for (const auto& id : before) EXPECT_TRUE(distinct.count(id));
}

TEST_F(TenantsTest, StatsMatchTheDatabase) {
  // a few tenants created on earlier days (created_at is owned by a trigger: back-date it with
  // triggers off, as the superuser)
  std::vector<std::string> back;
  for (int days : {3, 3, 12}) {
    const std::string id = create_named("stats " + tag_ + " " + std::to_string(days));
    admin_exec(
        "set session_replication_role = replica; update tenantd.tenants set created_at = now() - interval '" +
        std::to_string(days) + " days' where id = '" + id + "'");
    back.push_back(id);
  }
  const std::string suspended = create_named("stats " + tag_ + " s", "starter");
  ASSERT_EQ(req("POST", "/v1/tenants/" + suspended + "/suspend", sa_h(), R"({"reason":"stats"})").status,
            200);

  auto r = req("GET", "/v1/tenants/stats", sa_h());
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_EQ(std::to_string(d["total"].GetInt64()),
            q1("select count(*) from tenantd.tenants where deleted_at is null"));
  for (const char* s : {"pending", "provisioning", "active", "suspended", "inactive", "failed", "deleted"}) {
    ASSERT_TRUE(d["by_status"].HasMember(s)) << s;
    EXPECT_EQ(
        std::to_string(d["by_status"][s].GetInt64()),
        q1(std::string(
               "select count(*) from tenantd.tenants where tenantd.tenant_state(status, deleted_at) = '") +
           s + "'"))
        << s;
  }
  EXPECT_GE(d["by_status"]["suspended"].GetInt64(), 1);
  for (const auto& row : admin_query("select id from tenantd.plans")) {
    ASSERT_TRUE(d["by_plan"].HasMember(row[0].c_str())) << row[0];
    EXPECT_EQ(
        std::to_string(d["by_plan"][row[0].c_str()].GetInt64()),
        q1("select count(*) from tenantd.tenants where deleted_at is null and plan = '" + row[0] + "'"));
  }
  const auto& days = d["created_per_day"];
  ASSERT_TRUE(days.IsArray());
  ASSERT_EQ(days.Size(), 30u);
  const auto expected = admin_query(
      "select to_char(d, 'YYYY-MM-DD'), (select count(*) from tenantd.tenants t where t.deleted_at is null "
      "and (t.created_at at time zone 'utc')::date = d::date) "
      "from generate_series((now() at time zone 'utc')::date - 29, (now() at time zone 'utc')::date, '1 "
      "day') d "
      "order by d");
  ASSERT_EQ(expected.size(), 30u);
  for (size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(str(days[i], "date"), expected[i][0]);
    EXPECT_EQ(std::to_string(days[i]["count"].GetInt64()), expected[i][1]) << expected[i][0];
  }
  EXPECT_GE(days[26]["count"].GetInt64(), 2) << "the two tenants back-dated 3 days";
  EXPECT_GE(days[17]["count"].GetInt64(), 1) << "the tenant back-dated 12 days";
  EXPECT_GE(days[29]["count"].GetInt64(), 1) << "today";
  expect_problem(req("GET", "/v1/tenants/stats", bearer(admin_of(*a_))), 403, "forbidden");
  expect_problem(req("GET", "/v1/tenants/stats", bearer(member_of(*a_))), 403, "forbidden");
}

TEST_F(TenantsTest, GetOwnTenantWithMemberCount) {
  auto own = req("GET", "/v1/tenants/" + a_->id, bearer(member_of(*a_)));
  ASSERT_EQ(own.status, 200) << own.body;
  auto d = parse(own.body);
  EXPECT_EQ(str(d, "slug"), a_->slug);
  EXPECT_EQ(str(d, "status"), "active");
  ASSERT_TRUE(d.HasMember("member_count"));
  EXPECT_EQ(d["member_count"].GetInt64(), 3);
  EXPECT_EQ(req("GET", "/v1/tenants/" + a_->slug, bearer(member_of(*a_))).status, 200);
  auto any = req("GET", "/v1/tenants/" + b_->slug, sa_h());
  ASSERT_EQ(any.status, 200) << any.body;
  EXPECT_EQ(parse(any.body)["member_count"].GetInt64(), 3);
  expect_problem(req("GET", "/v1/tenants/" + b_->id, bearer(member_of(*a_))), 403, "tenant_mismatch");
  expect_problem(req("GET", "/v1/tenants/" + util::new_uuid(), sa_h()), 404, "tenant_not_found");
  expect_problem(req("GET", "/v1/tenants/no-such-tenant-" + tag_, sa_h()), 404, "tenant_not_found");
  // a token naming a tenant that never existed
  expect_problem(req("GET", "/v1/users", bearer(mint_token(a_->user_ids[1], util::new_uuid(), "member"))),
                 404, "tenant_not_found");
}

TEST_F(TenantsTest, PatchByTenantAdminAndSuperAdmin) {
  Seed s = seed_tenant("tnp", 2);
  admin_exec("update tenantd.tenants set plan = 'free' where id = '" + s.id + "'");  // the change below
  const std::string path = "/v1/tenants/" + s.id;
  auto r =
      req("PATCH", path, bearer(admin_of(s)), R"({"name":"Renamed )" + tag_ + R"(","description":"new"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(parse(r.body), "name"), "Renamed " + tag_);
  EXPECT_EQ(str(parse(r.body), "description"), "new");
  EXPECT_EQ(q1("select details::text from tenantd.audit_log where tenant_id = '" + s.id +
               "' and action = 'tenant.updated' and actor_role = 'tenant_admin'"),
            R"({"fields": ["description", "name"]})");
  expect_problem(req("PATCH", path, bearer(admin_of(s)), R"({"plan":"enterprise"})"), 403, "forbidden");
  expect_problem(req("PATCH", path, bearer(admin_of(s)), R"({"metadata":{"x":1}})"), 403, "forbidden");
  expect_problem(req("PATCH", path, bearer(member_of(s)), R"({"name":"M"})"), 403, "forbidden");
  expect_problem(req("PATCH", "/v1/tenants/" + b_->id, bearer(admin_of(s)), R"({"name":"Pwned"})"), 403,
                 "tenant_mismatch");
  // the super admin changes anything; description null clears it
  r = req("PATCH", path, sa_h(), R"({"plan":"enterprise","metadata":{"tier":"gold"},"description":null})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(str(d, "plan"), "enterprise");
  EXPECT_EQ(str(d["metadata"], "tier"), "gold");
  EXPECT_TRUE(d["description"].IsNull());
  EXPECT_EQ(q1("select details->'plan'->>'to' from tenantd.audit_log where tenant_id = '" + s.id +
               "' and action = 'tenant.updated' and actor_role = 'super_admin'"),
            "enterprise");
  // bad input
  expect_problem(req("PATCH", path, sa_h(), R"({"name":""})"), 422, "validation_failed");
  expect_problem(req("PATCH", path, sa_h(), R"({"name":null})"), 422, "validation_failed");
  expect_problem(req("PATCH", path, sa_h(), R"({"name":7})"), 400, "invalid_field_type");
  expect_problem(req("PATCH", path, sa_h(), R"({"plan":"platinum"})"), 422, "validation_failed");
  expect_problem(req("PATCH", path, sa_h(), R"({"slug":"x"})"), 400, "unknown_field");
  expect_problem(req("PATCH", path, sa_h(), R"({"metadata":"x"})"), 400, "invalid_field_type");
  expect_problem(req("PATCH", path, sa_h()), 400, "body_required");
  expect_problem(req("PATCH", "/v1/tenants/" + util::new_uuid(), sa_h(), R"({"name":"x"})"), 404,
                 "tenant_not_found");
}

TEST_F(TenantsTest, LifecycleSuspendActivateDelete) {
  Seed s = seed_tenant("tnl", 3);
  const std::string path = "/v1/tenants/" + s.id;
  const auto member = bearer(member_of(s));
  ASSERT_EQ(req("GET", "/v1/users", member).status, 200);

  // only super admins move the state
  for (const auto& tok : {admin_of(s), member_of(s)}) {
    expect_problem(req("POST", path + "/suspend", bearer(tok), R"({"reason":"x"})"), 403, "forbidden");
    expect_problem(req("POST", path + "/activate", bearer(tok)), 403, "forbidden");
    expect_problem(req("DELETE", path, bearer(tok)), 403, "forbidden");
  }
  expect_problem(req("POST", path + "/suspend", sa_h()), 400, "body_required");
  expect_problem(req("POST", path + "/suspend", sa_h(), R"({"reason":"  "})"), 422, "validation_failed");
  expect_problem(req("POST", path + "/suspend", sa_h(), R"({"reason":"x","why":"y"})"), 400, "unknown_field");
  expect_problem(req("POST", path + "/activate", sa_h()), 409, "invalid_transition");  // already active

  auto r = req("POST", path + "/suspend", sa_h(), R"({"reason":"unpaid invoices"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(str(d, "status"), "suspended");
  EXPECT_EQ(str(d, "status_reason"), "unpaid invoices");
  EXPECT_NE(str(d, "suspended_at"), "<none>");
  EXPECT_EQ(q1("select details->>'reason' from tenantd.audit_log where tenant_id = '" + s.id +
               "' and action = 'tenant.suspended'"),
            "unpaid invoices");
  auto again = req("POST", path + "/suspend", sa_h(), R"({"reason":"again"})");
  expect_problem(again, 409, "invalid_transition");
  EXPECT_NE(again.body.find("cannot suspend a suspended tenant"), std::string::npos) << again.body;

  // a suspended tenant: every tenant-scoped request of its members is 403 tenant_suspended
  expect_problem(req("GET", "/v1/users", member), 403, "tenant_suspended");
  expect_problem(req("GET", "/v1/users", bearer(admin_of(s))), 403, "tenant_suspended");
  expect_problem(req("GET", path, member), 403, "tenant_suspended");
  expect_problem(req("GET", path + "/users", member), 403, "tenant_suspended");
  expect_problem(req("PATCH", path, bearer(admin_of(s)), R"({"name":"x"})"), 403, "tenant_suspended");
  expect_problem(
      req("POST", "/v1/users", bearer(admin_of(s)), R"({"email":"n@example.org","role":"member"})"), 403,
      "tenant_suspended");
  {
    Headers h = sa_h();
    h["X-Tenant-Id"] = s.id;
    expect_problem(req("GET", "/v1/users", h), 403, "tenant_suspended");
  }
  // … while the super admin still reads and manages it
  auto got = req("GET", path, sa_h());
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(parse(got.body), "status"), "suspended");
  EXPECT_EQ(req("PATCH", path, sa_h(), R"({"description":"on hold"})").status, 200);

  r = req("POST", path + "/activate", sa_h(), R"({"reason":"paid"})");
  ASSERT_EQ(r.status, 200) << r.body;
  d = parse(r.body);
  EXPECT_EQ(str(d, "status"), "active");
  EXPECT_NE(str(d, "activated_at"), "<none>");
  EXPECT_NE(str(d, "suspended_at"), "<none>") << "suspended_at is kept";
  EXPECT_EQ(req("GET", "/v1/users", member).status, 200);

  // soft delete: gone from lists, tokens refused, data kept
  const std::string members_before =
      q1("select count(*) from tenantd.memberships where tenant_id = '" + s.id + "'");
  auto del = req("DELETE", path, sa_h());
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(del.body.empty());
  expect_problem(req("GET", "/v1/users", member), 403, "tenant_suspended");
  expect_problem(req("GET", "/v1/me", member), 403, "tenant_suspended");
  expect_problem(req("GET", "/v1/users",
                     {{"Authorization", "Bearer " + member_of(s)}, {"Host", s.slug + ".example.test"}}),
                 403, "tenant_suspended");
  EXPECT_TRUE(all_pages("/v1/tenants?q=" + s.slug).empty());
  got = req("GET", path, sa_h());
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(parse(got.body), "status"), "deleted");
  EXPECT_NE(str(parse(got.body), "deleted_at"), "<none>");
  EXPECT_EQ(q1("select count(*) from tenantd.memberships where tenant_id = '" + s.id + "'"), members_before);
  expect_problem(req("DELETE", path, sa_h()), 409, "invalid_transition");
  expect_problem(req("POST", path + "/activate", sa_h()), 409, "invalid_transition");
  auto sus = req("POST", path + "/suspend", sa_h(), R"({"reason":"x"})");
  expect_problem(sus, 409, "invalid_transition");
  EXPECT_NE(sus.body.find("cannot suspend a deleted tenant"), std::string::npos) << sus.body;
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + s.id +
               "' and action = 'tenant.deleted'"),
            "1");
  // the state transitions of an unknown tenant
  expect_problem(req("POST", "/v1/tenants/" + util::new_uuid() + "/activate", sa_h()), 404,
                 "tenant_not_found");
  expect_problem(req("DELETE", "/v1/tenants/" + util::new_uuid(), sa_h()), 404, "tenant_not_found");
}

// A token of tenant A aimed at tenant B through every new route, by path id, path slug,
// header and Host: refused, and none of B's data in the answer; B unchanged afterwards.
TEST_F(TenantsTest, CrossTenantMatrix) {
  const std::string b_before =
      q1("select row_to_json(t)::text from tenantd.tenants t where id = '" + b_->id + "'");
  struct Case {
    std::string method, suffix, body;
  };
  const std::vector<Case> on_b = {
      {"GET", "", ""},           {"PATCH", "", R"({"name":"Pwned"})"},          {"DELETE", "", ""},
      {"POST", "/activate", ""}, {"POST", "/suspend", R"({"reason":"pwned"})"},
  };
  int checked = 0;
  for (const auto& tok : {admin_of(*a_), member_of(*a_)}) {
    for (const auto& c : on_b) {
      for (const auto& ref : {b_->id, b_->slug}) {
        auto r = req(c.method, "/v1/tenants/" + ref + c.suffix, bearer(tok), c.body);
        EXPECT_TRUE(r.status == 403 || r.status == 404)
            << c.method << " " << ref << c.suffix << " -> " << r.body;
        // (the problem's `instance` is the request path, which names B by itself)
        EXPECT_EQ(r.body.find("Tenant " + b_->slug), std::string::npos);
        for (const auto& e : b_->emails) EXPECT_EQ(r.body.find(e), std::string::npos);
        ++checked;
      }
    }
    // global routes with B named by header or Host
    for (const auto& extra : std::vector<Headers>{{{"X-Tenant-Id", b_->id}},
                                                  {{"X-Tenant-Id", b_->slug}},
                                                  {{"Host", b_->slug + ".example.test"}}}) {
      Headers h = bearer(tok);
      h.insert(extra.begin(), extra.end());
      for (const auto& [method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
               {"GET", "/v1/tenants", ""},
               {"GET", "/v1/tenants/stats", ""},
               {"POST", "/v1/tenants", R"({"name":"Intruder","plan":"free"})"}}) {
        auto r = req(method, path, h, body);
        EXPECT_TRUE(r.status == 403 || r.status == 404) << method << " " << path << " -> " << r.body;
        EXPECT_EQ(r.body.find(b_->slug), std::string::npos);
        EXPECT_EQ(r.body.find(b_->id), std::string::npos);
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 38);
  EXPECT_EQ(q1("select row_to_json(t)::text from tenantd.tenants t where id = '" + b_->id + "'"), b_before);
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + b_->id +
               "' and action like 'tenant.%'"),
            "0");
}

}  // namespace
}  // namespace tenantd::test
