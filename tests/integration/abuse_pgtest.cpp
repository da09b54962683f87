// Abuse of the unauthenticated routes and of Idempotency-Key scopes, over real HTTP against a
// real tenantd: per-address limits (429 before the body is read), the client address behind a
// proxy, no password hash for unknown invitation tokens, a super admin's key in two tenants,
// and a sign-up admin token that no stored row can rebuild.
#include <gtest/gtest.h>

#include <string>

#include "api/signup_token.hpp"
#include "support.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

std::map<std::string, std::string> with(std::map<std::string, std::string> h,
                                        const std::map<std::string, std::string>& more) {
  for (const auto& [k, v] : more) h[k] = v;
  return h;
}

void expect_rate_limited(const HttpResponse& r) {
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(r.header("content-type").find("application/problem+json"), std::string::npos);
  EXPECT_NE(r.body.find("\"code\":\"rate_limited\""), std::string::npos) << r.body;
  const std::string ra = r.header("retry-after");
  ASSERT_FALSE(ra.empty());
  EXPECT_GE(std::stoi(ra), 1);
}

// The value of an unlabelled counter line in /metrics.
long long metric(int port, const std::string& name) {
  const auto r = http_request(port, "GET", "/metrics");
  const auto pos = r.body.find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::stoll(r.body.substr(pos + name.size() + 2));
}

// A credential-guessing client on each limited route: after the budget, every request is
// refused with 429 — even one whose body is not JSON at all (the limit comes before parsing).
TEST(RateLimitTest, EachUnauthenticatedRouteRefusesPastItsBudget) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"LOGIN_RATE_PER_MINUTE", "3"},
                         {"ACCEPT_RATE_PER_MINUTE", "3"},
                         {"SIGNUP_RATE_PER_MINUTE", "3"}});
  const std::string login =
      R"({"tenant":"nobody-)" + uniq() + R"(","email":"x@example.org","password":"guess"})";
  const std::string accept = R"({"token":"unknown-token","password":"guess guess guess"})";
  for (const auto& [path, body] : std::map<std::string, std::string>{
           {"/v1/auth/token", login}, {"/v1/invitations/accept", accept}, {"/v1/signup", "{\"bad\":"}}) {
    for (int i = 0; i < 3; ++i) {
      const auto r = http_request(server.port(), "POST", path, kJson, body);
      EXPECT_NE(r.status, 429) << path << " request " << i << ": " << r.body;
      EXPECT_LT(r.status, 500) << path << ": " << r.body;
    }
    expect_rate_limited(http_request(server.port(), "POST", path, kJson, body));
    // Not even parsed: a body that would be a 400 is refused by the limit first.
    expect_rate_limited(http_request(server.port(), "POST", path, kJson, std::string(1000, '[')));
  }
  // The budgets are per route: other routes answer as usual.
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

// The attack: a client rotates X-Forwarded-For to get a fresh budget per request. Without
// TRUSTED_PROXIES (or from a peer outside it) the header is ignored and the TCP peer counts.
TEST(RateLimitTest, SpoofedForwardedForFromAnUntrustedPeerGetsNoFreshBudget) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"LOGIN_RATE_PER_MINUTE", "2"},
                         {"TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"}});
  const std::string body =
      R"({"tenant":"nobody-)" + uniq() + R"(","email":"x@example.org","password":"guess"})";
  HttpResponse last;
  for (int i = 0; i < 4; ++i) {
    last = http_request(server.port(), "POST", "/v1/auth/token",
                        with(kJson, {{"X-Forwarded-For", "198.51.100." + std::to_string(i + 1)}}), body);
  }
  expect_rate_limited(last);
}

// Behind a trusted proxy the right-most untrusted entry is the client: two clients behind one
// proxy have their own budgets, and what a client prepends to the header does not matter.
TEST(RateLimitTest, BehindATrustedProxyEachClientHasItsOwnBudget) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"LOGIN_RATE_PER_MINUTE", "2"},
                         {"TRUSTED_PROXIES", "127.0.0.0/8"}});
  const std::string body =
      R"({"tenant":"nobody-)" + uniq() + R"(","email":"x@example.org","password":"guess"})";
  auto from = [&](const std::string& xff) {
    return http_request(server.port(), "POST", "/v1/auth/token", with(kJson, {{"X-Forwarded-For", xff}}),
                        body);
  };
  EXPECT_NE(from("192.0.2.10").status, 429);
  EXPECT_NE(from("192.0.2.10").status, 429);
  expect_rate_limited(from("192.0.2.10"));
  // The same client inventing a left-hand hop is still 192.0.2.10 (the proxy appended that).
  expect_rate_limited(from("203.0.113.99, 192.0.2.10"));
  // Another client behind the same proxy is not affected.
  EXPECT_NE(from("192.0.2.11").status, 429);
}

// Unauthenticated CPU burn: 100 invitation accepts with unknown tokens (and passwords) must not
// compute a single password hash. A sign-up with a password shows the counter does count.
TEST(PasswordHashCounterTest, UnknownInvitationTokensComputeNoHash) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"SIGNUP_RATE_PER_MINUTE", "1000000"}});
  const long long before = metric(server.port(), "tenantd_password_hashes_total");
  ASSERT_GE(before, 0) << "tenantd_password_hashes_total is missing from /metrics";
  for (int i = 0; i < 100; ++i) {
    // Well-formed (43 base64url characters, as issued tokens are), just unknown.
    const std::string token = util::base64url_encode(util::random_bytes(32));
    const auto r = http_request(
        server.port(), "POST", "/v1/invitations/accept", kJson,
        R"({"token":")" + token + R"(","password":"a long enough password","display_name":"X"})");
    ASSERT_GE(r.status, 400) << r.body;
    ASSERT_LT(r.status, 500) << r.body;
  }
  EXPECT_EQ(metric(server.port(), "tenantd_password_hashes_total"), before)
      << "accepting unknown invitation tokens computed password hashes";

  const std::string slug = "hashcount-" + uniq();
  const auto s = http_request(server.port(), "POST", "/v1/signup", kJson,
                              R"({"organization_name":"Org","slug":")" + slug +
                                  R"(","plan":"pro","admin_email":"admin@)" + slug +
                                  R"(.example","admin_password":"correct horse battery"})");
  ASSERT_EQ(s.status, 202) << s.body;
  EXPECT_EQ(metric(server.port(), "tenantd_password_hashes_total"), before + 1);
}

// The attack: a super admin (no tenant claim) creates a member in tenant A with a key, then
// sends the same request with the same key to tenant B. B must run it (and get its member),
// never be answered with A's stored response.
TEST(IdempotencyScopeTest, SuperAdminKeyInTenantADoesNotReplayInTenantB) {
  const Seed a = seed_tenant("idscope-a", 1);
  const Seed b = seed_tenant("idscope-b", 1);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  const std::string key = "key-" + util::new_uuid();
  const std::string email = "scoped-" + uniq() + "@example.org";
  const std::string body = R"({"email":")" + email + R"(","role":"member"})";
  auto as_operator_in = [&](const Seed& t) {
    return http_request(
        server.port(), "POST", "/v1/users",
        with(kJson, {{"Authorization", "Bearer " + mint_token("ops", std::nullopt, "super_admin")},
                     {"X-Tenant-Id", t.id},
                     {"Idempotency-Key", key}}),
        body);
  };
  const auto in_a = as_operator_in(a);
  ASSERT_EQ(in_a.status, 201) << in_a.body;
  const auto in_b = as_operator_in(b);
  EXPECT_EQ(in_b.status, 201) << in_b.body;
  EXPECT_EQ(in_b.header("idempotent-replayed"), "") << "tenant A's answer was replayed in tenant B";
  EXPECT_NE(in_b.body, in_a.body);
  const std::string members_in_b =
      "select count(*) from tenantd.memberships m join tenantd.users u on u.id = m.user_id where m.tenant_id "
      "= '" +
      b.id + "' and u.email = '" + email + "'";
  EXPECT_EQ(admin_query(members_in_b)[0][0], "1");
  // Within one tenant the key still replays, by id or by slug (one resolved tenant).
  const auto again_b = as_operator_in(b);
  EXPECT_EQ(again_b.header("idempotent-replayed"), "true") << again_b.body;
  EXPECT_EQ(again_b.body, in_b.body);
  Seed b_by_slug = b;
  b_by_slug.id = b.slug;
  EXPECT_EQ(as_operator_in(b_by_slug).header("idempotent-replayed"), "true");
}

// The attack: someone with a copy of the database (superuser, every row) rebuilds a pending
// sign-up's admin invitation token from what is stored — the Idempotency-Key it was derived
// from, the nonce — and takes over the new tenant. Only SHA-256 of the key is stored, which
// does not give the token.
TEST(IdempotencyScopeTest, SignupAdminTokenCannotBeRebuiltFromStoredRows) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"SIGNUP_RATE_PER_MINUTE", "1000000"}});
  const std::string slug = "notoken-" + uniq();
  const std::string key = util::new_uuid();
  const auto r = http_request(server.port(), "POST", "/v1/signup", with(kJson, {{"Idempotency-Key", key}}),
                              R"({"organization_name":"Org","slug":")" + slug +
                                  R"(","plan":"pro","admin_email":"admin@)" + slug + R"(.example"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto row = admin_query(
      "select encode(s.invitation_nonce, 'hex'), encode(s.invitation_token_hash, 'hex') from "
      "tenantd.tenant_signups s "
      "join tenantd.tenants t on t.id = s.tenant_id where t.slug = '" +
      slug + "'");
  ASSERT_EQ(row.size(), 1u);
  std::string nonce;
  for (size_t i = 0; i < row[0][0].size(); i += 2) {
    nonce.push_back(static_cast<char>(std::stoi(row[0][0].substr(i, 2), nullptr, 16)));
  }
  const std::string token_hash = row[0][1];
  // Sanity: the raw key does give the token (so the checks below can fail).
  ASSERT_EQ(util::sha256_hex(api::signup_invitation_token(key, nonce)), token_hash);

  EXPECT_EQ(admin_query("select count(*) from tenantd.idempotency_keys where key = '" + key + "'")[0][0], "0")
      << "the raw Idempotency-Key is stored";
  const auto stored = admin_query("select key, scope from tenantd.idempotency_keys where key = '" +
                                  util::sha256_hex(key) + "'");
  ASSERT_EQ(stored.size(), 1u) << "the sign-up's key record (as its hash) is missing";
  // Every stored text value tried as the HMAC key: none rebuilds the token.
  for (const auto& candidate : {stored[0][0], stored[0][1], row[0][0], row[0][1]}) {
    EXPECT_NE(util::sha256_hex(api::signup_invitation_token(candidate, nonce)), token_hash) << candidate;
  }
}

}  // namespace
}  // namespace tenantd::test
