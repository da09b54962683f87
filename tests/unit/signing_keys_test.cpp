// The service's own signing keys (TOKEN_SIGNING_KEY): ES256 and EdDSA tokens verify through the
// service's verifier and through the published JWKS; every kind of wrong key configuration stops
// start-up; tokens from a key that is not configured, or altered ones, are refused. Keys are
// generated fresh for each run. (An independent JWT library checks the same tokens in the
// integration layer: tokensigning_pgtest.)
#include "auth/signing_keys.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "auth/jwt.hpp"
#include "auth/token_issuer.hpp"
#include "util/base64url.hpp"
#include "util/config.hpp"
#include "util/sha256.hpp"

namespace tenantd::auth {
namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kTenant = "2d4f3a6e-8a1b-4c2d-9e0f-1a2b3c4d5e6f";
const std::string kUser = "77aa0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b";

// A fresh private key as PKCS#8 PEM: "EC" (P-256), "ED25519" or "RSA".
std::string private_pem(const char* type) {
  EVP_PKEY* raw = std::string(type) == "EC"    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                  : std::string(type) == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  EvpPkeyPtr pkey(raw);
  EXPECT_TRUE(pkey);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string public_pem_of(const std::string& private_pem_text) {
  BIO* in = BIO_new_mem_buf(private_pem_text.data(), static_cast<int>(private_pem_text.size()));
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr));
  BIO_free(in);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(out, pkey.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(out, &data);
  std::string s(data, static_cast<size_t>(len));
  BIO_free(out);
  return s;
}

std::string header_of(const std::string& jws) {
  return *util::base64url_decode(jws.substr(0, jws.find('.')));
}

JwtVerifier verifier_with(const SigningKeys& keys) {
  JwtVerifier v(VerifierConfig{});
  for (const auto& k : keys.all()) v.add_key(k.public_key());
  return v;
}

std::string verify_code(const JwtVerifier& v, const std::string& tok) {
  try {
    v.verify(tok, kNow + 1);
    return "ok";
  } catch (const JwtError& e) {
    return e.code();
  }
}

TEST(SigningKeys, Es256AndEdDsaTokensVerifyThroughTheServiceAndItsJwks) {
  for (const char* type : {"EC", "ED25519"}) {
    SCOPED_TRACE(type);
    const SigningKeys keys = SigningKeys::from_pem({{"k1", private_pem(type)}});
    util::Config cfg;
    cfg.access_token_ttl_seconds = 900;
    ASSERT_TRUE(can_issue_tokens(cfg, &keys));
    const std::string tok = issue_access_token(cfg, &keys, kUser, kTenant, "member", kNow);
    const std::string alg = std::string(type) == "EC" ? "ES256" : "EdDSA";
    EXPECT_EQ(header_of(tok), R"({"alg":")" + alg + R"(","typ":"JWT","kid":"k1"})");

    const Claims c = verifier_with(keys).verify(tok, kNow + 1);
    EXPECT_EQ(c.sub, kUser);
    EXPECT_EQ(c.tenant_id.value_or(""), kTenant);
    EXPECT_EQ(c.exp.value_or(0), kNow + 900);

    // The published set is a JWKS the service's own JWKS reader accepts, and it verifies the token.
    const std::string jwks = keys.jwks_json();
    EXPECT_EQ(jwks.find("\"d\""), std::string::npos) << "private part published: " << jwks;
    std::vector<Key> published = keys_from_jwks(jwks);
    ASSERT_EQ(published.size(), 1u);
    JwtVerifier from_jwks(VerifierConfig{});
    from_jwks.add_key(std::move(published[0]));
    EXPECT_EQ(verify_code(from_jwks, tok), "ok");
  }
}

TEST(SigningKeys, TheFirstKeySignsAndEveryKeyVerifies) {
  const std::string old_pem = private_pem("EC");
  const SigningKeys before = SigningKeys::from_pem({{"old", old_pem}});
  const SigningKeys after = SigningKeys::from_pem({{"new", private_pem("ED25519")}, {"old", old_pem}});
  util::Config cfg;
  const std::string old_tok = issue_access_token(cfg, &before, kUser, kTenant, "member", kNow);
  const std::string new_tok = issue_access_token(cfg, &after, kUser, kTenant, "member", kNow);
  EXPECT_NE(header_of(new_tok).find(R"("kid":"new")"), std::string::npos);
  const JwtVerifier v = verifier_with(after);
  EXPECT_EQ(verify_code(v, old_tok), "ok");  // issued before the rotation: still valid
  EXPECT_EQ(verify_code(v, new_tok), "ok");
  const std::string jwks = after.jwks_json();
  EXPECT_LT(jwks.find(R"("kid":"new")"), jwks.find(R"("kid":"old")"));
}

TEST(SigningKeys, ForgedAndForeignTokensAreRefused) {
  const SigningKeys keys = SigningKeys::from_pem({{"k1", private_pem("EC")}});
  const SigningKeys stranger = SigningKeys::from_pem({{"k1", private_pem("EC")}});
  const SigningKeys other_kid = SigningKeys::from_pem({{"k2", private_pem("EC")}});
  util::Config cfg;
  const JwtVerifier v = verifier_with(keys);
  // Same kid, another key: the signature does not verify.
  EXPECT_EQ(verify_code(v, issue_access_token(cfg, &stranger, kUser, kTenant, "member", kNow)),
            "bad_signature");
  EXPECT_EQ(verify_code(v, issue_access_token(cfg, &other_kid, kUser, kTenant, "member", kNow)),
            "unknown_key");
  // A claim changed after signing (role raised).
  const std::string tok = issue_access_token(cfg, &keys, kUser, kTenant, "member", kNow);
  const size_t d1 = tok.find('.'), d2 = tok.rfind('.');
  const std::string raised =
      util::base64url_encode(access_claims_json(kUser, kTenant, "tenant_admin", kNow, kNow + 900));
  EXPECT_EQ(verify_code(v, tok.substr(0, d1 + 1) + raised + tok.substr(d2)), "bad_signature");
  // The published public key as an HS256 secret (algorithm confusion): HS256 is not even enabled.
  const std::string hs_input = util::base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":"k1"})") + "." +
                               tok.substr(d1 + 1, d2 - d1 - 1);
  const std::string forged =
      hs_input + "." + util::base64url_encode(util::hmac_sha256_raw(keys.jwks_json(), hs_input));
  EXPECT_EQ(verify_code(v, forged), "unsupported_algorithm");
}

TEST(SigningKeys, WrongConfigurationStopsStartUp) {
  const std::string ec = private_pem("EC");
  EXPECT_THROW(SigningKeys::from_pem({{"r", private_pem("RSA")}}), std::runtime_error);  // not ES256/EdDSA
  EXPECT_THROW(SigningKeys::from_pem({{"p", public_pem_of(ec)}}), std::runtime_error);   // public only
  EXPECT_THROW(SigningKeys::from_pem({{"a", ec}, {"a", private_pem("ED25519")}}), std::runtime_error);
  EXPECT_THROW(SigningKeys::from_pem({{"bad kid", ec}}), std::runtime_error);
  EXPECT_THROW(SigningKeys::from_pem({{"", ec}}), std::runtime_error);
  EXPECT_THROW(SigningKeys::load("k1"), std::runtime_error);                       // no path
  EXPECT_THROW(SigningKeys::load("k1=/nonexistent/key.pem"), std::runtime_error);  // unreadable
  EXPECT_TRUE(SigningKeys::load("").empty());
  EXPECT_TRUE(SigningKeys::load(" , ").empty());
  // Without any key, no token can be issued.
  const SigningKeys none;
  EXPECT_FALSE(can_issue_tokens(util::Config{}, &none));
}

}  // namespace
}  // namespace tenantd::auth
