// Generated hostile input over every route of the router table: no request may crash tenantd
// or be answered with a 5xx. The route list is read from the same registration code the
// server runs (api::register_all), so a new route is covered without editing this file.
//
// Each route is tried without a token, with a tenant_admin token of a seeded tenant and with
// a super admin token, and with hostile paths, query strings, headers and bodies. The
// generator is seeded (kSeed) so a failure reproduces; the first offending requests are
// printed.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"
#include "raw_http.hpp"
#include "support.hpp"
#include "util/base64url.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

using namespace std::string_literals;

constexpr unsigned kSeed = 20261201;
constexpr size_t kMinRequests = 10000;
constexpr int kClients = 4;
constexpr size_t kShare = 40;  // percent of the generated variants sent for token-scoped routes

// Field names the handlers read (docs/api/*.md); every one is sent with every wrong type.
const std::vector<std::string> kFields = {"email",
                                          "password",
                                          "display_name",
                                          "role",
                                          "name",
                                          "slug",
                                          "plan",
                                          "description",
                                          "metadata",
                                          "value",
                                          "is_active",
                                          "disabled",
                                          "reason",
                                          "token",
                                          "refresh_token",
                                          "tenant",
                                          "expires_in_days",
                                          "invitations",
                                          "permissions",
                                          "organization_name",
                                          "admin_email",
                                          "admin_password",
                                          "type",
                                          "data",
                                          "status",
                                          "id",
                                          "external_id"};

const std::vector<std::string> kQueryNames = {"limit",          "cursor", "q",    "sort",
                                              "status",         "plan",   "role", "created_after",
                                              "created_before", "state",  "kind", "type"};

std::string nest(size_t depth, const std::string& open, const std::string& inner, const std::string& close) {
  std::string s;
  s.reserve(depth * (open.size() + close.size()) + inner.size());
  for (size_t i = 0; i < depth; ++i) s += open;
  s += inner;
  for (size_t i = 0; i < depth; ++i) s += close;
  return s;
}

// JSON texts of every type and of hostile shapes (each one valid JSON unless the name says).
std::vector<std::string> hostile_json_values() {
  return {"null",
          "true",
          "false",
          "0",
          "-1",
          "2147483648",
          "-9223372036854775809",
          "99999999999999999999999",
          "1e308",
          "-1e308",
          "1.5",
          "0.0000000000000000000001",
          "\"\"",
          "\" \"",
          "\"x\"",
          "\"" + std::string(5000, 'a') + "\"",
          "\"" + std::string(300000, 'b') + "\"",
          "\"00000000-0000-0000-0000-000000000000\"",
          "\"" + util::new_uuid() + "\"",
          "\"../../etc/passwd\"",
          "\"'; drop table tenantd.users; --\"",
          "\"super_admin\"",
          "\"tenant_admin\"",
          "\"\\u202e\\ufeff\\uffff\"",
          "\"\\ud83d\\ude00\"",
          "\"a@b\"",
          "\"@\"",
          "\"x@" + std::string(300, 'd') + ".io\"",
          "\"9999-99-99T99:99:99Z\"",
          "\"1e999\"",
          "\"%00\"",
          "\"\\\\x00\"",
          "[]",
          "[1,\"a\",null]",
          "{}",
          "{\"a\":{\"b\":[1]}}",
          nest(60, "[", "1", "]"),
          nest(60, "{\"k\":", "1", "}"),
          "[" +
              [] {
                std::string s;
                for (int i = 0; i < 20000; ++i) s += (i ? ",0" : "0");
                return s;
              }() +
              "]"};
}

// Whole bodies that must be refused before any handler (or accepted as harmless).
std::vector<std::string> hostile_bodies() {
  return {std::string(300000, '['),
          nest(300000, "[", "", "]"),
          nest(100000, "{\"a\":", "1", "}"),
          nest(65, "[", "", "]"),
          "{\"a\":" + nest(64, "[", "", "]") + "}",
          "{\"n\":1e999999}",
          "{\"n\":-1e999999}",
          "{\"n\":99999999999999999999999}",
          "{\"email\":\"\xff@x.io\"}",
          "{\"email\":\"\xc0\xaf@x.io\"}",
          "{\"email\":\"\xed\xa0\x80@x.io\"}",
          "{\"\xff\":1}",
          "{\"email\":\"a\\u0000@x.io\"}",
          "{\"email\":\"a@x.io\"}\0{\"x\":1}"s,
          "{\"email\":\"a\0b@x.io\"}"s,
          "{\"role\":\"member\",\"role\":\"tenant_admin\"}",
          "{\"email\":\"a@x.io\",\"email\":\"b@x.io\"}",
          "{\"metadata\":{\"k\":1,\"k\":2}}",
          "",
          " ",
          "{",
          "}",
          "[]",
          "\"string\"",
          "42",
          "null",
          "{\"a\":1}garbage",
          "{'a':1}",
          "{\"a\":01}",
          "{\"a\":\"\\ud800\"}",
          "{\"a\":\"\\u12\"}",
          "\xef\xbb\xbf{}",
          "{\"password\":\"" + std::string(200000, 'p') + "\"}",
          std::string(2 * 1024 * 1024, ' ')};  // over MAX_BODY_BYTES
}

// Hostile path-parameter values, already in the form they are sent on the wire.
std::vector<std::string> hostile_segments() {
  return {"..",
          "%2e%2e",
          "%2E%2E%2F%2E%2E",
          "%00",
          "a%00b",
          "%ff",
          "%c0%af",
          "%ed%a0%80",
          "%",
          "%zz",
          "%4",
          "\xff",
          "\xc3",
          std::string(5000, '9'),
          std::string(300, 'a'),
          "99999999999999999999999999",
          "-1",
          "0",
          "00000000-0000-0000-0000-000000000000",
          "00000000-0000-0000-0000-0000000000000",
          "{id}",
          "'%20or%201=1--",
          "%E2%80%AE",
          "null",
          "%2F",
          "a%20b",
          "%25",
          "__proto__"};
}

std::vector<std::string> hostile_query_values() {
  return {"",
          "-1",
          "0",
          "201",
          "99999999999999999999",
          "1e999",
          "%zz",
          "%",
          "%00",
          "%ff",
          "%c0%af",
          std::string(5000, 'A'),
          "AAAA",
          "%2B",
          "+",
          "..%2F..",
          "null",
          "[]",
          "9999-99-99T99:99:99Z",
          "2024-02-30T00:00:00Z",
          "1970-01-01T00:00:00%2B99:99",
          "294277-01-01T00:00:00Z",
          "-infinity",
          "infinity",
          "NaN",
          "__proto__",
          "%E2%80%AE",
          "\xff",
          "a%20b"};
}

struct Header {
  std::string name, value;
};

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("hostile", 3));
    b_ = new Seed(seed_tenant("hostile-b", 2));
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"DB_POOL_SIZE", "4"},
                                  {"HTTP_THREADS", "4"},
                                  {"BASE_DOMAIN", "example.test"},
                                  {"LOG_LEVEL", "info"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
  }
  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
};

// Builds the request list: for every route and every kind of caller, hostile variants of each
// part of the request, one part at a time (the others valid), plus random mixes.
class Generator {
 public:
  Generator(const Seed& a, const Seed& b, int port) : a_(a), b_(b), port_(port), rng_(kSeed) {
    admin_ = "Bearer " + mint_token(a.user_ids[0], a.id, "tenant_admin");
    super_ = "Bearer " + mint_token("ops-operator", std::nullopt, "super_admin");
    values_ = hostile_json_values();
    bodies_ = hostile_bodies();
    segments_ = hostile_segments();
    qvalues_ = hostile_query_values();
  }

  std::vector<RawRequest> all(const std::vector<Route>& routes) {
    std::vector<RawRequest> out;
    for (const auto& r : routes) {
      for (const std::string* auth : std::initializer_list<const std::string*>{nullptr, &admin_, &super_}) {
        auth_ = auth;
        std::vector<RawRequest> mine;
        route_requests(r, auth, mine);
        // Every variant for the public routes (no token is the attacker's usual case); a
        // seeded share of them elsewhere keeps the run near a minute on a loaded machine.
        for (auto& q : mine) {
          if (r.scope == Scope::kPublic || pick(100) < kShare) out.push_back(std::move(q));
        }
      }
    }
    // Requests no route matches and garbage request lines (Pistache may answer these itself).
    for (const auto& seg : segments_) {
      out.push_back(base("GET", "/v1/" + seg, &admin_));
      out.push_back(base("GET", "/" + seg + "/../v1/users", &admin_));
    }
    for (const char* m : {"FOO", "get", "CONNECT", "TRACE", "OPTIONS", "PATCH"})
      out.push_back(base(m, "/v1/users", &admin_));
    for (const char* t : {"*", "v1/users", "http://evil.test/v1/users", "/v1/users?%", "/v1/users?&&==&",
                          "/v1/users#x", "/v1/users?limit=1&limit=2"}) {
      out.push_back(base("GET", t, &admin_));
    }
    return out;
  }

 private:
  RawRequest base(const std::string& method, const std::string& target, const std::string* auth) {
    RawRequest q;
    q.method = method;
    q.target = target;
    q.headers.push_back({"Host", "127.0.0.1:" + std::to_string(port_)});
    if (auth) q.headers.push_back({"Authorization", *auth});
    return q;
  }

  // The route's path with its parameters filled: {tenant} is the seeded tenant (by id or slug),
  // other parameters a fresh uuid, except `hostile_param`, which gets `hostile`.
  std::string fill(const Route& r, const std::string& hostile_param = "", const std::string& hostile = "") {
    std::string path;
    for (const auto& s : r.segments) {
      path += "/";
      if (s.size() > 2 && s.front() == '{') {
        const std::string name = s.substr(1, s.size() - 2);
        if (name == hostile_param) {
          path += hostile;
        } else if (name == "tenant") {
          const Seed& t = auth_ == &super_ ? b_ : a_;
          path += pick(2) ? t.id : t.slug;
        } else if (name == "type") {
          path += pick(2) ? "general" : "integrations";
        } else {
          path += pick(4) ? util::new_uuid() : a_.user_ids[pick(a_.user_ids.size())];
        }
      } else {
        path += s;
      }
    }
    return path;
  }

  static bool has_body(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH"; }

  RawRequest json_request(const Route& r, const std::string* auth, const std::string& body) {
    RawRequest q = base(r.method, fill(r), auth);
    q.headers.push_back({"Content-Type", "application/json"});
    q.body = body;
    return q;
  }

  void route_requests(const Route& r, const std::string* auth, std::vector<RawRequest>& out) {
    // 1. paths: every parameter with every hostile segment
    for (const auto& s : r.segments) {
      if (!(s.size() > 2 && s.front() == '{')) continue;
      for (const auto& seg : segments_) {
        RawRequest q = base(r.method, fill(r, s.substr(1, s.size() - 2), seg), auth);
        if (has_body(r.method)) {
          q.headers.push_back({"Content-Type", "application/json"});
          q.body = "{}";
        }
        out.push_back(std::move(q));
      }
    }
    // 2. query strings: each generic name with each hostile value, and malformed syntax
    for (size_t i = 0; i < qvalues_.size(); ++i) {
      const std::string& name = kQueryNames[pick(kQueryNames.size())];
      out.push_back(base(r.method, fill(r) + "?" + name + "=" + qvalues_[i], auth));
    }
    for (const char* qs :
         {"?%zz=1", "?%ff=1", "?=", "?limit", "?limit=1&limit=%zz", "?%00=%00", "?a=b=c&&&"}) {
      out.push_back(base(r.method, fill(r) + qs, auth));
    }
    // 3. bodies: whole hostile bodies, then each field with each wrong type (a random share)
    // (The large ones only without a token: a body is parsed before authentication, and
    // sending megabytes three times per route would only slow the run.)
    for (const auto& b : bodies_) {
      if (b.size() <= 1000 || !auth) out.push_back(json_request(r, auth, b));
    }
    for (int i = 0; i < 24; ++i) {
      const std::string& f = kFields[pick(kFields.size())];
      out.push_back(json_request(r, auth, "{\"" + f + "\":" + values_[pick(values_.size())] + "}"));
    }
    for (int i = 0; i < 6; ++i) out.push_back(json_request(r, auth, random_object()));
    // 4. headers
    auto with = [&](std::vector<Header> hs, bool body = true) {
      RawRequest q = base(r.method, fill(r), auth);
      for (auto& h : hs) q.headers.push_back({h.name, h.value});
      if (body && has_body(r.method)) {
        bool ct = false;
        for (auto& h : hs) ct = ct || h.name == "Content-Type";
        if (!ct) q.headers.push_back({"Content-Type", "application/json"});
        q.body = "{}";
      }
      out.push_back(std::move(q));
    };
    with({{"X-Padding", std::string(64 * 1024, 'h')}});
    with({{"Host", "evil.example.test"}});
    with({{"Host", a_.slug + ".example.test"}});
    with({{"Host", "\xff.example.test"}});
    with({{"Host", std::string(3000, 'a') + ".example.test"}});
    with({{"Host", "..example.test"}});
    for (const char* ct :
         {"text/plain", "application/json; charset=latin1", "application/jsonx", "application/json\xff",
          "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", ";;;",
          "application/problem+json", "APPLICATION/JSON"}) {
      with({{"Content-Type", ct}});
    }
    for (const std::string& a :
         {"Bearer"s, "Bearer "s, "Basic dXNlcjpwYXNz"s, "Bearer a.b.c"s, "Bearer ...."s, "Bearer \xff\xfe"s,
          "Bearer " + std::string(20000, 'A'), "Bearer " + forged_token(std::string(300000, '[')),
          "Bearer " + forged_token("{\"alg\":\"HS256\",\"alg\":\"none\"}"),
          "Bearer " + forged_token("{\"alg\":\"none\",\"typ\":\"JWT\"}"),
          "Bearer " + forged_token("{\"alg\":\"HS256\",\"kid\":\"\xff\"}"), admin_ + admin_}) {
      RawRequest q = base(r.method, fill(r), nullptr);
      q.headers.push_back({"Authorization", a});
      out.push_back(std::move(q));
    }
    with({{"X-Request-Id", std::string(5000, 'r')}});
    with({{"X-Request-Id", "\xff\xfe"}});
    with({{"X-Request-Id", "a b\tc"}});
    for (const std::string& k : {""s, std::string(10000, 'k'), "\xff"s, "k\x01k"s, "\"quoted\""s, "a,b"s}) {
      with({{"Idempotency-Key", k}});
    }
    for (const std::string& t : {util::new_uuid(), "00000000-0000-0000-0000-000000000000"s, ".."s, "\xff"s,
                                 std::string(5000, 't'), "%00"s, a_.slug + "x", ""s}) {
      with({{"X-Tenant-Id", t}});
    }
    with({{"X-Tenant-Id", a_.id}, {"X-Tenant-Id", util::new_uuid()}});
    with({{"Content-Type", "application/json"}, {"Content-Type", "text/plain"}});
    with({{"Content-Type", "application/json"}}, false);  // empty body with JSON type
    // 5. the wrong method on the route's path
    out.push_back(base(r.method == "GET" ? "DELETE" : "GET", fill(r), auth));
  }

  // A token whose header is `header_json`, with a payload and a signature that do not verify.
  static std::string forged_token(const std::string& header_json) {
    return util::base64url_encode(header_json) + "." + util::base64url_encode("{\"sub\":\"x\"}") + ".c2ln";
  }

  std::string random_value(int depth) {
    switch (pick(depth > 3 ? 6 : 8)) {
      case 0:
        return values_[pick(values_.size())];
      case 1:
        return std::to_string(static_cast<int64_t>(rng_()));
      case 2:
        return "\"" + std::string(pick(300), "xyz@.-_"[pick(7)]) + "\"";
      case 3:
        return "true";
      case 4:
        return "null";
      case 5:
        return "\"" + util::new_uuid() + "\"";
      case 6: {
        std::string s = "[";
        for (size_t i = 0, n = pick(4); i < n; ++i) s += (i ? "," : "") + random_value(depth + 1);
        return s + "]";
      }
      default:
        return random_object(depth + 1);
    }
  }

  std::string random_object(int depth = 0) {
    std::string s = "{";
    std::vector<std::string> used;
    for (size_t i = 0, n = 1 + pick(6); i < n; ++i) {
      const std::string& f = kFields[pick(kFields.size())];
      if (std::find(used.begin(), used.end(), f) != used.end()) continue;
      used.push_back(f);
      s += (used.size() > 1 ? "," : "") + ("\"" + f + "\":") + random_value(depth + 1);
    }
    return s + "}";
  }

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  const Seed& a_;
  const Seed& b_;  // the tenant the super admin names (its deletes leave tenant A to the others)
  int port_;
  const std::string* auth_ = nullptr;
  std::mt19937_64 rng_;
  std::string admin_, super_;
  std::vector<std::string> values_, bodies_, segments_, qvalues_;
};

bool process_alive(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0;
}

TEST_F(HostileInputTest, NoRequestOverEveryRouteCrashesOrAnswers5xx) {
  Router router;
  api::register_all(router);
  const auto& routes = router.routes();
  ASSERT_GT(routes.size(), 30u);  // the real table, not an empty one

  Generator gen(*a_, *b_, server_->port());
  const std::vector<RawRequest> requests = gen.all(routes);
  ASSERT_GE(requests.size(), kMinRequests);

  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::map<int, size_t> by_status;
  size_t unanswered = 0;
  std::atomic<bool> died{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      RawConnection conn(server_->port());
      std::map<int, size_t> local;
      for (size_t i; !died && (i = next++) < requests.size();) {
        const RawResponse r = conn.send(requests[i]);
        ++local[r.status];
        if (r.status >= 500 || (r.status == 0 && !process_alive(server_->pid()))) {
          std::lock_guard<std::mutex> lk(mu);
          if (r.status == 0) died = true;
          if (failures.size() < 8) {
            failures.push_back(std::to_string(r.status) + " <- " + requests[i].describe() +
                               "\n    answer: " + r.body.substr(0, 300));
          }
        }
      }
      std::lock_guard<std::mutex> lk(mu);
      for (auto [s, n] : local) by_status[s] += n;
    });
  }
  for (auto& t : clients) t.join();
  unanswered = by_status.count(0) ? by_status[0] : 0;

  std::string summary;
  size_t fivexx = 0;
  for (auto [s, n] : by_status) {
    summary += " " + std::to_string(s) + ":" + std::to_string(n);
    if (s >= 500) fivexx += n;
  }
  std::printf("[ hostile  ] %zu requests over %zu routes; by status:%s (0 = closed without an answer)\n",
              requests.size(), routes.size(), summary.c_str());
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(fivexx, 0u) << "5xx answers (first few above)";
  EXPECT_FALSE(died) << "tenantd died during the run:\n" << server_->log().substr(0, 4000);
  ASSERT_TRUE(process_alive(server_->pid())) << server_->log().substr(0, 4000);
  EXPECT_EQ(http_request(server_->port(), "GET", "/healthz").status, 200);
  // Almost everything must get an answer; a few garbage request lines may be dropped by Pistache.
  EXPECT_LT(unanswered, requests.size() / 100) << "too many requests closed without an answer";
}

// The two attacks of the issue, each as one request: a deep body before authentication, and
// invalid UTF-8 in a field that reaches PostgreSQL.
TEST_F(HostileInputTest, DeepNestingBeforeAuthenticationIsA400AndTheServerLives) {
  RawConnection conn(server_->port());
  RawRequest q;
  q.method = "POST";
  q.target = "/v1/auth/token";
  q.headers = {{"Host", "127.0.0.1"}, {"Content-Type", "application/json"}};
  q.body = std::string(300000, '[');
  auto r = conn.send(q);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"code\":\"malformed_json\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("nesting deeper than 64"), std::string::npos) << r.body;
  ASSERT_TRUE(process_alive(server_->pid()));
  EXPECT_EQ(http_request(server_->port(), "GET", "/healthz").status, 200);
}

TEST_F(HostileInputTest, InvalidUtf8InABodyIsA400NotA500) {
  RawConnection conn(server_->port());
  RawRequest q;
  q.method = "POST";
  q.target = "/v1/users";
  q.headers = {{"Host", "127.0.0.1"},
               {"Content-Type", "application/json"},
               {"Authorization", "Bearer " + mint_token(a_->user_ids[0], a_->id, "tenant_admin")}};
  q.body = "{\"email\":\"\xff@x.io\"}";
  auto r = conn.send(q);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("\"code\":\"malformed_json\""), std::string::npos) << r.body;
}

TEST_F(HostileInputTest, InvalidUtf8AndNulInQueryPathAndHeadersAre400s) {
  const std::string admin = "Bearer " + mint_token(a_->user_ids[0], a_->id, "tenant_admin");
  struct Case {
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    const char* code;
  };
  const Case cases[] = {
      {"/v1/users?q=%ff", {}, "invalid_query"},
      {"/v1/users?q=a%00b", {}, "invalid_query"},
      {"/v1/users?q=%zz", {}, "invalid_query"},
      {"/v1/users?%ff=1", {}, "invalid_query"},
      {"/v1/users/%ff", {}, "invalid_path"},
      {"/v1/users/%00", {}, "invalid_path"},
      {"/v1/users/%zz", {}, "invalid_path"},
      {"/v1/users/\xff", {}, "invalid_path"},
      {"/v1/tenants/%c0%af/users", {}, "invalid_path"},
      {"/v1/users", {{"X-Tenant-Id", "\xff"}}, "invalid_header"},
      {"/v1/users", {{"Idempotency-Key", "\xc3"}}, "invalid_header"},
  };
  RawConnection conn(server_->port());
  for (const auto& c : cases) {
    RawRequest q;
    q.method = "GET";
    q.target = c.target;
    q.headers = {{"Host", "127.0.0.1"}, {"Authorization", admin}};
    for (const auto& h : c.headers) q.headers.push_back(h);
    auto r = conn.send(q);
    EXPECT_EQ(r.status, 400) << q.describe() << " -> " << r.body;
    EXPECT_NE(r.body.find(std::string("\"code\":\"") + c.code + "\""), std::string::npos)
        << q.describe() << " -> " << r.body;
  }
}

}  // namespace
}  // namespace tenantd::test
