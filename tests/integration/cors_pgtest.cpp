// Allowed origins and CORS over raw HTTP against real PostgreSQL and a real tenantd:
// PUT/GET /v1/allowed-origins (validation, permissions, audit), preflights answered without
// authentication for allowed origins only (by path, subdomain Host and verified custom domain),
// the CORS headers of actual answers, the platform's CORS_ALLOWED_ORIGINS, and the attacks: a
// disallowed origin, another tenant's origin, look-alike Origin headers, a removed origin.
// The real browser's view is tests/browser/cors.mjs (CorsBrowser below).
#include <gtest/gtest.h>

#include <filesystem>

#include "support.hpp"

namespace tenantd::test {
namespace {

const std::string kDashboard = "https://dashboard.tenantd.test";

class CorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("corsa", 2));
    b_ = new Seed(seed_tenant("corsb", 1));
    // CORS_CACHE_SECONDS=0: every request asks the database, so a change is seen at once here
    // (the cache itself is tested in tests/unit/origin_test.cpp)
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"BASE_DOMAIN", "localhost"},
                                  {"CORS_ALLOWED_ORIGINS", kDashboard},
                                  {"CORS_CACHE_SECONDS", "0"},
                                  {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
    server_ = nullptr;
  }
  void SetUp() override {
    // each test starts from A allowing app-a, B allowing app-b
    put_origins(*a_, R"(["https://app-a.test"])", 200);
    put_origins(*b_, R"(["https://app-b.test"])", 200);
  }

  static int port() { return server_->port(); }
  static std::string admin(const Seed& s) { return mint_token(s.user_ids[0], s.id, "tenant_admin"); }
  static HttpResponse put_origins(const Seed& s, const std::string& list, int expect) {
    Headers h = bearer(admin(s));
    h["Content-Type"] = "application/json";
    auto r = http_request(port(), "PUT", "/v1/allowed-origins", h, R"({"origins":)" + list + "}");
    EXPECT_EQ(r.status, expect) << r.body;
    return r;
  }
  static HttpResponse preflight(const std::string& path, const std::string& origin, Headers extra = {}) {
    Headers h{{"Origin", origin},
              {"Access-Control-Request-Method", "GET"},
              {"Access-Control-Request-Headers", "authorization,x-request-id"}};
    for (auto& [k, v] : extra) h[k] = v;
    return http_request(port(), "OPTIONS", path, h);
  }
  static std::string host_of(const Seed& s) { return s.slug + ".localhost:" + std::to_string(port()); }
  static void expect_no_cors(const HttpResponse& r) {
    for (const char* h :
         {"access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers",
          "access-control-expose-headers", "access-control-max-age", "access-control-allow-credentials"}) {
      EXPECT_EQ(r.header(h), "") << h << " sent: " << r.body;
    }
  }
  static void expect_preflight_ok(const HttpResponse& r, const std::string& origin) {
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(r.header("access-control-allow-origin"), origin);
    EXPECT_NE(r.header("vary").find("Origin"), std::string::npos);
    const std::string allow_headers = r.header("access-control-allow-headers");
    for (const char* h : {"Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"}) {
      EXPECT_NE(allow_headers.find(h), std::string::npos) << h << " not in " << allow_headers;
    }
    EXPECT_EQ(r.header("access-control-max-age"), "600");
    EXPECT_EQ(r.header("access-control-allow-credentials"), "") << "bearer tokens, never cookies";
  }

  static inline Seed *a_ = nullptr, *b_ = nullptr;
  static inline TenantdProcess* server_ = nullptr;
};

TEST_F(CorsTest, PutNormalisesReplacesAndGetAnswersTheList) {
  auto r = put_origins(
      *a_, R"(["HTTPS://App-A.test:443", "http://localhost:5173", "https://bücher.example"])", 200);
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject() && d["origins"].IsArray()) << r.body;
  ASSERT_EQ(d["origins"].Size(), 3u) << r.body;
  EXPECT_STREQ(d["origins"][0].GetString(), "http://localhost:5173");
  EXPECT_STREQ(d["origins"][1].GetString(), "https://app-a.test");
  EXPECT_STREQ(d["origins"][2].GetString(), "https://xn--bcher-kva.example");
  auto g = http_request(port(), "GET", "/v1/allowed-origins", bearer(admin(*a_)));
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(parse(g.body), d) << g.body;
  // the explicit spelling, and a member reads too (config:read)
  auto m = http_request(port(), "GET", "/v1/tenants/" + a_->slug + "/allowed-origins",
                        bearer(mint_token(a_->user_ids[1], a_->id, "member")));
  EXPECT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(parse(m.body), d) << m.body;
  // audited, with what was added
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + a_->id +
               "' and action = 'allowed_origins.replaced' and details->'added' ? 'http://localhost:5173'"),
            "1");
  // B's list is its own
  auto gb = http_request(port(), "GET", "/v1/allowed-origins", bearer(admin(*b_)));
  EXPECT_EQ(gb.body, R"({"origins" : ["https://app-b.test"]})") << gb.body;
}

TEST_F(CorsTest, PutRefusesWhatCannotBeAnOriginAndWhoMayNotWrite) {
  struct Case {
    std::string body;
    int status;
    const char* code;
  };
  std::string fifty_one = "[";
  for (int i = 0; i < 51; ++i)
    fifty_one += (i ? ",\"https://o" : "\"https://o") + std::to_string(i) + ".test\"";
  fifty_one += "]";
  const Case cases[] = {
      {R"({"origins":["https://*.a.test"]})", 422, "invalid_origin"},
      {R"({"origins":["https://a.test/"]})", 422, "invalid_origin"},
      {R"({"origins":["http://a.test"]})", 422, "invalid_origin"},
      {R"({"origins":["null"]})", 422, "invalid_origin"},
      {R"({"origins":["https://a.test","HTTPS://A.TEST"]})", 422, "validation_failed"},
      {R"({"origins":"https://a.test"})", 400, "invalid_field_type"},
      {R"({"origins":[5]})", 400, "invalid_field_type"},
      {R"({"origin":[]})", 400, "unknown_field"},
      {R"({})", 400, "missing_field"},
      {R"({"origins":)" + fifty_one + "}", 422, "too_many_entries"},
  };
  Headers h = bearer(admin(*a_));
  h["Content-Type"] = "application/json";
  for (const auto& c : cases) {
    auto r = http_request(port(), "PUT", "/v1/allowed-origins", h, c.body);
    expect_problem(r, c.status, c.code);
  }
  Headers member = bearer(mint_token(a_->user_ids[1], a_->id, "member"));
  member["Content-Type"] = "application/json";
  expect_problem(http_request(port(), "PUT", "/v1/allowed-origins", member, R"({"origins":[]})"), 403,
                 "forbidden");
  // nothing of that changed A's list
  auto g = http_request(port(), "GET", "/v1/allowed-origins", bearer(admin(*a_)));
  EXPECT_EQ(g.body, R"({"origins" : ["https://app-a.test"]})") << g.body;
}

TEST_F(CorsTest, PreflightOfAnAllowedOriginIsAnsweredWithoutAuthentication) {
  // by path
  auto r = preflight("/v1/tenants/" + a_->slug + "/users", "https://app-a.test");
  expect_preflight_ok(r, "https://app-a.test");
  const std::string methods = r.header("access-control-allow-methods");
  EXPECT_NE(methods.find("GET"), std::string::npos) << methods;
  EXPECT_NE(methods.find("POST"), std::string::npos) << methods;
  EXPECT_NE(r.header("x-request-id"), "");
  // by the path's tenant id
  expect_preflight_ok(preflight("/v1/tenants/" + a_->id + "/allowed-origins", "https://app-a.test"),
                      "https://app-a.test");
  // by the Host (the tenant's subdomain), on the short spelling
  expect_preflight_ok(preflight("/v1/users", "https://app-a.test", {{"Host", host_of(*a_)}}),
                      "https://app-a.test");
  // the method asked for need not be the path's first
  auto p = http_request(port(), "OPTIONS", "/v1/tenants/" + a_->slug + "/allowed-origins",
                        {{"Origin", "https://app-a.test"}, {"Access-Control-Request-Method", "PUT"}});
  expect_preflight_ok(p, "https://app-a.test");
  EXPECT_NE(p.header("access-control-allow-methods").find("PUT"), std::string::npos);
}

TEST_F(CorsTest, PreflightThroughAVerifiedCustomDomain) {
  const std::string host = "shop." + a_->slug + "-cors.test";
  admin_exec(
      "insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at, status, "
      "verified_at) "
      "values ('" +
      a_->id + "', '" + host +
      "', repeat('t', 43), 'x.localhost', now() + interval '1 day', "
      "'verified', now())");
  expect_preflight_ok(preflight("/v1/users", "https://app-a.test", {{"Host", host}}), "https://app-a.test");
  auto r = preflight("/v1/users", "https://app-b.test", {{"Host", host}});
  expect_problem(r, 403, "origin_not_allowed");
  expect_no_cors(r);
}

TEST_F(CorsTest, ADisallowedOriginGetsNoCorsHeaders) {
  for (const std::string origin :
       {"https://evil.test", "https://app-a.test.evil.test", "https://APP-A.test", "https://app-a.test/",
        "https://app-a.test:443", "http://app-a.test", "null", "https://app-a.test, https://evil.test"}) {
    auto r = preflight("/v1/tenants/" + a_->slug + "/users", origin);
    expect_problem(r, 403, "origin_not_allowed");
    expect_no_cors(r);
    EXPECT_NE(r.header("vary").find("Origin"), std::string::npos);
    // and the actual request (the browser would not send it; a script outside one could)
    auto g = http_request(port(), "GET", "/v1/tenants/" + a_->slug + "/users",
                          {{"Origin", origin}, {"Authorization", "Bearer " + admin(*a_)}});
    EXPECT_EQ(g.status, 200) << origin;
    expect_no_cors(g);
  }
  // a request naming no tenant before authentication (/v1/users: tenant from the token only)
  // opens for no tenant origin
  auto r = preflight("/v1/users", "https://app-a.test");
  expect_problem(r, 403, "origin_not_allowed");
  expect_no_cors(r);
}

// The attack: tenant B allows its own front end; B's origin must not open tenant A, whichever
// way the request names A, and naming both does not help.
TEST_F(CorsTest, AnotherTenantsOriginDoesNotOpenThisTenant) {
  const std::vector<std::pair<std::string, Headers>> ways{
      {"/v1/tenants/" + a_->slug + "/users", {}},
      {"/v1/tenants/" + a_->id + "/users", {}},
      {"/v1/users", {{"Host", host_of(*a_)}}},
      {"/v1/tenants/" + b_->slug + "/users", {{"Host", host_of(*a_)}}},  // B by path, A by Host
      {"/v1/tenants/" + a_->slug + "/users", {{"Host", host_of(*b_)}}},  // A by path, B by Host
  };
  for (const auto& [path, extra] : ways) {
    auto r = preflight(path, "https://app-b.test", extra);
    expect_problem(r, 403, "origin_not_allowed");
    expect_no_cors(r);
    Headers h = extra;
    h["Origin"] = "https://app-b.test";
    h["Authorization"] = "Bearer " + admin(*a_);
    expect_no_cors(http_request(port(), "GET", path, h));
  }
  // and B's origin still opens B
  expect_preflight_ok(preflight("/v1/tenants/" + b_->slug + "/users", "https://app-b.test"),
                      "https://app-b.test");
}

TEST_F(CorsTest, ActualAnswersToAnAllowedOriginCarryTheCorsHeadersWhateverTheStatus) {
  const std::string path = "/v1/tenants/" + a_->slug + "/users";
  auto ok = http_request(port(), "GET", path,
                         {{"Origin", "https://app-a.test"}, {"Authorization", "Bearer " + admin(*a_)}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.header("access-control-allow-origin"), "https://app-a.test");
  EXPECT_NE(ok.header("vary").find("Origin"), std::string::npos);
  const std::string expose = ok.header("access-control-expose-headers");
  for (const char* h : {"X-Request-Id", "RateLimit", "RateLimit-Policy", "Retry-After"}) {
    EXPECT_NE(expose.find(h), std::string::npos) << h << " not in " << expose;
  }
  EXPECT_EQ(ok.header("access-control-allow-credentials"), "");
  // a refusal is readable by the front end too
  auto no_token = http_request(port(), "GET", path, {{"Origin", "https://app-a.test"}});
  expect_problem(no_token, 401, "unauthenticated");
  EXPECT_EQ(no_token.header("access-control-allow-origin"), "https://app-a.test");
  // without an Origin: no CORS headers, but caches are told the answer varies by it
  auto plain = http_request(port(), "GET", path, bearer(admin(*a_)));
  expect_no_cors(plain);
  EXPECT_NE(plain.header("vary").find("Origin"), std::string::npos);
}

TEST_F(CorsTest, ThePlatformsOriginsOpenEveryRoute) {
  expect_preflight_ok(preflight("/v1/me", kDashboard), kDashboard);
  expect_preflight_ok(preflight("/v1/tenants", kDashboard), kDashboard);
  expect_preflight_ok(preflight("/v1/tenants/" + b_->slug + "/users", kDashboard), kDashboard);
  auto r = http_request(port(), "GET", "/healthz", {{"Origin", kDashboard}});
  EXPECT_EQ(r.header("access-control-allow-origin"), kDashboard);
}

TEST_F(CorsTest, ARemovedOriginIsRefusedAtOnceWithoutCache) {
  const std::string path = "/v1/tenants/" + a_->slug + "/users";
  expect_preflight_ok(preflight(path, "https://app-a.test"), "https://app-a.test");
  put_origins(*a_, "[]", 200);
  auto r = preflight(path, "https://app-a.test");
  expect_problem(r, 403, "origin_not_allowed");
  expect_no_cors(r);
  put_origins(*a_, R"(["https://app-a.test"])", 200);
  expect_preflight_ok(preflight(path, "https://app-a.test"), "https://app-a.test");
}

TEST_F(CorsTest, PreflightOfAnUnknownPathOrTenantIsRefusedWithoutCorsHeaders) {
  auto r = preflight("/v1/no-such-thing", "https://app-a.test");
  expect_problem(r, 404, "not_found");
  expect_no_cors(r);
  auto t = preflight("/v1/tenants/no-such-tenant-" + uniq() + "/users", "https://app-a.test");
  expect_problem(t, 403, "origin_not_allowed");
  expect_no_cors(t);
  // an OPTIONS that is no preflight (no Access-Control-Request-Method) stays what it was
  auto o = http_request(port(), "OPTIONS", "/v1/users", {{"Origin", "https://app-a.test"}});
  EXPECT_EQ(o.status, 405);
}

// The real browser: headless chromium (tests/browser/cors.mjs) on a page of A's allowed origin
// reads A's JSON and X-Request-Id by path and by Host; a page of B's origin gets a CORS failure
// calling A and succeeds calling B. This server keeps the default cache (CORS_CACHE_SECONDS 30).
TEST(CorsBrowser, AllowedOriginReadsTheAnswerOthersGetACorsFailure) {
  const Seed a = seed_tenant("corsbra", 2);
  const Seed b = seed_tenant("corsbrb", 2);
  TenantdProcess server(
      {{"JWT_HS256_SECRET", kTestSecret}, {"BASE_DOMAIN", "localhost"}, {"LOG_LEVEL", "warn"}});
  const int page_a = free_port();
  int page_b = free_port();
  while (page_b == page_a) page_b = free_port();
  const std::string token_a = mint_token(a.user_ids[0], a.id, "tenant_admin");
  const std::string token_b = mint_token(b.user_ids[0], b.id, "tenant_admin");
  for (const auto& [tok, port] : {std::pair{token_a, page_a}, std::pair{token_b, page_b}}) {
    Headers h = bearer(tok);
    h["Content-Type"] = "application/json";
    auto r = http_request(server.port(), "PUT", "/v1/allowed-origins", h,
                          R"({"origins":["http://127.0.0.1:)" + std::to_string(port) + R"("]})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const CommandResult r = run_command(
      {"/usr/bin/env", "node", source_dir() + "/tests/browser/cors.mjs", std::to_string(server.port()),
       a.slug, token_a, b.slug, token_b, std::to_string(page_a), std::to_string(page_b)},
      {{"ARTIFACTS_DIR", source_dir() + "/var/artifacts/cors-browser"}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // the verdict line, checked here as well as by the script's exit code
  const auto line = r.output.substr(std::min(r.output.size(), r.output.find("{\"ok\":")));
  auto d = parse(line);
  ASSERT_TRUE(d.IsObject() && d.HasMember("results")) << r.output;
  const auto& res = d["results"];
  for (const char* k : {"a_by_path", "a_by_host", "b_calls_b"}) {
    EXPECT_TRUE(res[k]["ok"].GetBool()) << k << ": " << r.output;
    EXPECT_EQ(res[k]["status"].GetInt(), 200) << k;
  }
  EXPECT_EQ(str(res["a_by_path"], "request_id"), "browser-a-path");
  EXPECT_EQ(str(res["a_by_host"], "request_id"), "browser-a-host");
  for (const char* k : {"a_calls_b", "b_calls_a_path", "b_calls_a_host"}) {
    EXPECT_FALSE(res[k]["ok"].GetBool()) << k << ": " << r.output;
    EXPECT_EQ(str(res[k], "error"), "TypeError") << k;
    EXPECT_TRUE(res[k]["blocked_by_cors"].IsBool() && res[k]["blocked_by_cors"].GetBool())
        << k << ": " << r.output;
  }
}

}  // namespace
}  // namespace tenantd::test
