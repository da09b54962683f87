// Login tokens: access tokens verify through the service's own JwtVerifier; refresh tokens
// carry their tenant and 256 random bits.
#include "auth/token_issuer.hpp"

#include <gtest/gtest.h>

#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "util/config.hpp"

namespace tenantd::auth {
namespace {

const std::string kTenant = "2d4f3a6e-8a1b-4c2d-9e0f-1a2b3c4d5e6f";
const std::string kUser = "77aa0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b";

TEST(TokenIssuer, AccessTokenVerifiesWithTheServiceVerifier) {
  util::Config cfg;
  cfg.jwt_hs256_secret = "unit-test-secret-unit-test-secret-0123";
  cfg.jwt_issuer = "https://tenantd.test";
  cfg.jwt_audience = "tenantd-api";
  cfg.access_token_ttl_seconds = 900;
  ASSERT_TRUE(can_issue_tokens(cfg, nullptr));
  const int64_t now = 1'800'000'000;
  const std::string tok = issue_access_token(cfg, nullptr, kUser, kTenant, "read_only", now);
  VerifierConfig vc;
  vc.hs256_secret = cfg.jwt_hs256_secret;
  vc.issuer = cfg.jwt_issuer;
  vc.audience = cfg.jwt_audience;
  JwtVerifier v(vc);
  const Claims c = v.verify(tok, now + 10);
  EXPECT_EQ(c.sub, kUser);
  EXPECT_EQ(c.tenant_id.value_or(""), kTenant);
  EXPECT_EQ(c.role, "read_only");
  EXPECT_EQ(c.exp.value_or(0), now + 900);
  EXPECT_THROW(v.verify(tok, now + 900 + 61), JwtError);  // expired past the leeway
  util::Config none;
  EXPECT_FALSE(can_issue_tokens(none, nullptr));
}

TEST(TokenIssuer, RefreshTokensCarryTheirTenantAndAreUnique) {
  const std::string a = new_refresh_token(kTenant), b = new_refresh_token(kTenant);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 80u);
  EXPECT_EQ(refresh_token_tenant(a).value_or(""), kTenant);
  EXPECT_EQ(token_hash_hex(a).size(), 64u);
  EXPECT_NE(token_hash_hex(a), token_hash_hex(b));
  EXPECT_FALSE(refresh_token_tenant(""));
  EXPECT_FALSE(refresh_token_tenant("garbage"));
  EXPECT_FALSE(refresh_token_tenant(a.substr(0, 79)));
  std::string bad = a;
  bad[36] = '-';
  EXPECT_FALSE(refresh_token_tenant(bad));
  bad = a;
  bad[50] = '/';
  EXPECT_FALSE(refresh_token_tenant(bad));
  bad = a;
  bad[3] = 'z';  // not a uuid
  EXPECT_FALSE(refresh_token_tenant(bad));
}

TEST(TokenIssuer, DummyHashIsAValidHashThatMatchesNothingGuessable) {
  const std::string& h = dummy_password_hash();
  EXPECT_EQ(h.rfind("scrypt$", 0), 0u);
  EXPECT_EQ(&h, &dummy_password_hash());  // computed once
  EXPECT_FALSE(verify_password("", h));
  EXPECT_FALSE(verify_password("password", h));
}

}  // namespace
}  // namespace tenantd::auth
