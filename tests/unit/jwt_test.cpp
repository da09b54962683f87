// JWT verification tests: RFC vectors, end-to-end success for every algorithm and key source, and one
// case per attack on the verification rules. Keys that sign are generated fresh for each run.
#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "auth/keys.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"
#include "util/sha256.hpp"

#ifndef TENANTD_SOURCE_DIR
#error "TENANTD_SOURCE_DIR must name the source tree (the unit test target defines it)"
#endif

namespace tenantd::auth {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1700000000;
constexpr char kSecret[] = "test-hs256-secret-0123456789abcdef";

// RFC 7515 Appendix A: the shared payload of A.1-A.3 ({"iss":"joe","exp":1300819380,...}, no "sub").
constexpr char kRfcPayloadB64[] =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr int64_t kRfcNow = 1300819000;  // before the RFC payload's exp

constexpr char kRfcA1Key[] =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
constexpr char kRfcA1Token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kRfcA2Token[] =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujGbds9uJdbF9CUAr7t1d"
    "nZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO-"
    "-xi12jzDwus"
    "C-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_"
    "IoypGlUPQGe77Rw";
constexpr char kRfcA3Token[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
// RFC 8037 Appendix A.4/A.5: {"alg":"EdDSA"} over the (non-JSON) payload "Example of Ed25519 signing".
constexpr char kRfc8037SigningInput[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr char kRfc8037Signature[] =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

// ---------------------------------------------------------------------------------------------------------
// Helpers

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

std::string fixture(const std::string& name) {
  return std::string(TENANTD_SOURCE_DIR) + "/tests/fixtures/jwt/" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string b64(std::string_view s) {
  return util::base64url_encode(s);
}

std::string unb64(std::string_view s) {
  auto out = util::base64url_decode(s);
  if (!out) throw std::runtime_error("bad base64url in test data");
  return *out;
}

std::vector<std::string> segments(const std::string& token) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t pos; (pos = token.find('.', start)) != std::string::npos; start = pos + 1) {
    out.push_back(token.substr(start, pos - start));
  }
  out.push_back(token.substr(start));
  return out;
}

std::string replace_signature(const std::string& token, const std::string& raw_signature) {
  return token.substr(0, token.rfind('.') + 1) + b64(raw_signature);
}

std::string signature_of(const std::string& token) {
  return unb64(token.substr(token.rfind('.') + 1));
}

std::string flip_bit(std::string s, size_t index = 0, unsigned char mask = 0x01) {
  s.at(index) = static_cast<char>(s.at(index) ^ mask);
  return s;
}

EvpPkeyPtr generate_key(const char* type, const std::function<void(EVP_PKEY_CTX*)>& configure = {}) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) throw std::runtime_error("keygen init failed");
  if (configure) configure(ctx.get());
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_keygen(ctx.get(), &raw) != 1) throw std::runtime_error("keygen failed");
  return EvpPkeyPtr(raw);
}

EvpPkeyPtr generate_rsa(unsigned bits = 2048) {
  return generate_key("RSA", [bits](EVP_PKEY_CTX* ctx) { EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits); });
}

EvpPkeyPtr generate_ec(const char* curve = "P-256") {
  return generate_key("EC", [curve](EVP_PKEY_CTX* ctx) { EVP_PKEY_CTX_set_group_name(ctx, curve); });
}

EvpPkeyPtr generate_ed25519() {
  return generate_key("ED25519");
}

std::string public_pem(EVP_PKEY* pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) throw std::runtime_error("PEM write failed");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string bn_param(EVP_PKEY* pkey, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) throw std::runtime_error("missing key parameter");
  BnPtr bn(raw);
  std::string out(pad_to > 0 ? static_cast<size_t>(pad_to) : static_cast<size_t>(BN_num_bytes(bn.get())),
                  '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}

// The JWK (public members only) for a generated key; `extra` is spliced in verbatim (e.g. ,"use":"sig").
std::string jwk_json(EVP_PKEY* pkey, const std::string& kid, const std::string& extra = "") {
  std::string kid_member = kid.empty() ? "" : R"("kid":")" + kid + R"(",)";
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    return "{" + kid_member + R"("kty":"RSA","n":")" + b64(bn_param(pkey, OSSL_PKEY_PARAM_RSA_N)) +
           R"(","e":")" + b64(bn_param(pkey, OSSL_PKEY_PARAM_RSA_E)) + "\"" + extra + "}";
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    return "{" + kid_member + R"("kty":"EC","crv":"P-256","x":")" +
           b64(bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32)) + R"(","y":")" +
           b64(bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32)) + "\"" + extra + "}";
  }
  std::string raw(32, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != 32) {
    throw std::runtime_error("raw public key export failed");
  }
  return "{" + kid_member + R"("kty":"OKP","crv":"Ed25519","x":")" + b64(raw) + "\"" + extra + "}";
}

std::string jwks_json(const std::vector<std::string>& jwks) {
  std::string out = R"({"keys":[)";
  for (size_t i = 0; i < jwks.size(); ++i) out += (i ? "," : "") + jwks[i];
  return out + "]}";
}

// Signs in JWS form: raw r||s for ES256, as RFC 7518 3.4 requires.
std::string sign(EVP_PKEY* pkey, std::string_view input) {
  const bool eddsa = EVP_PKEY_is_a(pkey, "ED25519");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, eddsa ? nullptr : "SHA256", nullptr, nullptr, pkey,
                                    nullptr) != 1) {
    throw std::runtime_error("sign init failed");
  }
  const auto* tbs = reinterpret_cast<const unsigned char*>(input.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, tbs, input.size()) != 1)
    throw std::runtime_error("sign failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, tbs, input.size()) != 1) {
    throw std::runtime_error("sign failed");
  }
  sig.resize(len);
  if (!EVP_PKEY_is_a(pkey, "EC")) return sig;
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  EcdsaSigPtr ecdsa(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size())));
  if (!ecdsa) throw std::runtime_error("DER decode failed");
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}

using Signer = std::function<std::string(std::string_view signing_input)>;

Signer hmac_signer(const std::string& secret) {
  return [secret](std::string_view input) { return util::hmac_sha256_raw(secret, input); };
}

Signer key_signer(EVP_PKEY* pkey) {
  return [pkey](std::string_view input) { return sign(pkey, input); };
}

std::string make_token(const std::string& header_json, const std::string& payload_json,
                       const Signer& signer) {
  const std::string input = b64(header_json) + "." + b64(payload_json);
  return input + "." + b64(signer(input));
}

std::string hs256_token(const std::string& payload_json, const std::string& secret = kSecret) {
  return make_token(R"({"alg":"HS256","typ":"JWT"})", payload_json, hmac_signer(secret));
}

// {"sub":"user-1","exp":<exp>  <extra>}: extra starts with a comma when non-empty.
std::string payload(int64_t exp = kNow + 3600, const std::string& extra = "") {
  return R"({"sub":"user-1","exp":)" + std::to_string(exp) + extra + "}";
}

// "ok" on success, else the JwtError code. Any other exception escapes and fails the test, because verify
// must report every problem as a JwtError. Also checks the message never echoes the token.
std::string verify_code(const JwtVerifier& verifier, const std::string& token, int64_t now = kNow) {
  try {
    verifier.verify(token, now);
    return "ok";
  } catch (const JwtError& e) {
    const std::string what = e.what();
    EXPECT_FALSE(what.empty());
    for (const auto& seg : segments(token)) {
      if (seg.size() >= 8) {
        EXPECT_EQ(what.find(seg), std::string::npos) << "error message leaks token: " << what;
      }
    }
    return e.code();
  }
}

VerifierConfig hs256_config(const std::string& secret = kSecret) {
  VerifierConfig cfg;
  cfg.hs256_secret = secret;
  return cfg;
}

// Keys generated once per test binary run, with their public halves written as PEM files and as a JWKS
// file in a private temporary directory.
struct TestKeys {
  EvpPkeyPtr rsa = generate_rsa();
  EvpPkeyPtr ec = generate_ec();
  EvpPkeyPtr ed = generate_ed25519();
  EvpPkeyPtr attacker_rsa = generate_rsa();  // never configured
  EvpPkeyPtr attacker_ec = generate_ec();
  EvpPkeyPtr attacker_ed = generate_ed25519();
  fs::path dir;

  TestKeys() {
    dir = fs::temp_directory_path() / ("tenantd_jwt_test_" + util::random_token_b64url(9));
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    write_file(dir / "rsa.pem", public_pem(rsa.get()));
    write_file(dir / "ec.pem", public_pem(ec.get()));
    write_file(dir / "ed.pem", public_pem(ed.get()));
    write_file(dir / "keys.jwks.json", jwks_json({jwk_json(rsa.get(), "rsa"),
                                                  jwk_json(ec.get(), "ec", R"(,"use":"sig","alg":"ES256")"),
                                                  jwk_json(ed.get(), "ed", R"(,"alg":"EdDSA")")}));
  }
  ~TestKeys() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string pem_list() const {
    return "rsa=" + path("rsa.pem") + ",ec=" + path("ec.pem") + ",ed=" + path("ed.pem");
  }
  // Writes an extra file into the temp dir and returns its path.
  std::string write(const std::string& name, const std::string& data) const {
    write_file(dir / name, data);
    return path(name);
  }
};

const TestKeys& keys() {
  static const TestKeys instance;
  return instance;
}

VerifierConfig pem_config() {
  VerifierConfig cfg;
  cfg.public_keys = keys().pem_list();
  return cfg;
}

VerifierConfig jwks_config() {
  VerifierConfig cfg;
  cfg.jwks_file = keys().path("keys.jwks.json");
  return cfg;
}

// Everything enabled: attacks must fail even when every algorithm has a key.
VerifierConfig full_config() {
  VerifierConfig cfg = pem_config();
  cfg.hs256_secret = kSecret;
  return cfg;
}

std::string expect_config_error(const VerifierConfig& cfg) {
  try {
    JwtVerifier verifier(cfg);
  } catch (const JwtError& e) {
    ADD_FAILURE() << "config errors must not be JwtError: " << e.what();
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected the configuration to be rejected";
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------------------
// RFC test vectors

TEST(JwtRfcVectors, Rfc7515A1Hs256) {
  JwtVerifier verifier(hs256_config(unb64(kRfcA1Key)));
  const std::string token = kRfcA1Token;
  // The signature verifies; the verifier then refuses the payload because it has no "sub".
  EXPECT_EQ(verify_code(verifier, token, kRfcNow), "missing_claim");
  // Proof that the signature, not the claims, decided the first result.
  EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(signature_of(token), 31)), kRfcNow),
            "bad_signature");
  EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(signature_of(token), 0)), kRfcNow),
            "bad_signature");
  EXPECT_EQ(util::hmac_sha256_raw(unb64(kRfcA1Key), token.substr(0, token.rfind('.'))), signature_of(token));
  // A different secret rejects the same token.
  JwtVerifier other(hs256_config("another secret"));
  EXPECT_EQ(verify_code(other, token, kRfcNow), "bad_signature");
}

TEST(JwtRfcVectors, Rfc7515A2Rs256) {
  const std::string token = kRfcA2Token;
  const std::string input = token.substr(0, token.rfind('.'));
  VerifierConfig by_jwks;
  by_jwks.jwks_file = fixture("rfc7515_a2_rsa.jwks.json");
  VerifierConfig by_pem;
  by_pem.public_keys = "a2=" + fixture("rfc7515_a2_rsa_pub.pem");
  for (const auto& cfg : {by_jwks, by_pem}) {
    JwtVerifier verifier(cfg);
    EXPECT_EQ(verify_code(verifier, token, kRfcNow), "missing_claim");
    EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(signature_of(token), 100)), kRfcNow),
              "bad_signature");
  }
  const auto jwks = keys_from_jwks_file(fixture("rfc7515_a2_rsa.jwks.json"));
  ASSERT_EQ(jwks.size(), 1u);
  EXPECT_EQ(jwks[0].algorithm(), Algorithm::kRs256);
  EXPECT_TRUE(verify_signature(jwks[0], input, signature_of(token)));
  EXPECT_FALSE(verify_signature(jwks[0], input + "x", signature_of(token)));
}

TEST(JwtRfcVectors, Rfc7515A3Es256) {
  const std::string token = kRfcA3Token;
  const std::string input = token.substr(0, token.rfind('.'));
  VerifierConfig by_jwks;
  by_jwks.jwks_file = fixture("rfc7515_a3_p256.jwks.json");
  VerifierConfig by_pem;
  by_pem.public_keys = "a3=" + fixture("rfc7515_a3_p256_pub.pem");
  for (const auto& cfg : {by_jwks, by_pem}) {
    JwtVerifier verifier(cfg);
    EXPECT_EQ(verify_code(verifier, token, kRfcNow), "missing_claim");
    EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(signature_of(token), 5)), kRfcNow),
              "bad_signature");
    EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(signature_of(token), 40)), kRfcNow),
              "bad_signature");
  }
  const auto jwks = keys_from_jwks_file(fixture("rfc7515_a3_p256.jwks.json"));
  ASSERT_EQ(jwks.size(), 1u);
  EXPECT_EQ(jwks[0].algorithm(), Algorithm::kEs256);
  EXPECT_TRUE(verify_signature(jwks[0], input, signature_of(token)));
  EXPECT_FALSE(verify_signature(jwks[0], input + "x", signature_of(token)));
}

TEST(JwtRfcVectors, Rfc8037Ed25519) {
  const auto jwks = keys_from_jwks_file(fixture("rfc8037_ed25519.jwks.json"));
  ASSERT_EQ(jwks.size(), 1u);
  const Key& key = jwks[0];
  EXPECT_EQ(key.algorithm(), Algorithm::kEdDsa);
  const std::string sig = unb64(kRfc8037Signature);
  EXPECT_TRUE(verify_signature(key, kRfc8037SigningInput, sig));
  EXPECT_FALSE(verify_signature(key, kRfc8037SigningInput, flip_bit(sig, 63, 0x40)));
  EXPECT_FALSE(verify_signature(key, std::string(kRfc8037SigningInput) + ".", sig));
  EXPECT_FALSE(verify_signature(key, kRfc8037SigningInput, sig.substr(0, 63)));

  const Key pem_key = key_from_pem_file("ed", fixture("rfc8037_ed25519_pub.pem"));
  EXPECT_TRUE(verify_signature(pem_key, kRfc8037SigningInput, sig));

  // Through the verifier: the signature passes and only then is the non-JSON payload refused.
  VerifierConfig cfg;
  cfg.jwks_file = fixture("rfc8037_ed25519.jwks.json");
  JwtVerifier verifier(cfg);
  const std::string token = std::string(kRfc8037SigningInput) + "." + kRfc8037Signature;
  EXPECT_EQ(verify_code(verifier, token), "malformed_token");
  EXPECT_EQ(verify_code(verifier, replace_signature(token, flip_bit(sig, 10))), "bad_signature");
}

TEST(JwtRfcVectors, SignaturesAreBoundToTheirAlgorithm) {
  const auto rsa = keys_from_jwks_file(fixture("rfc7515_a2_rsa.jwks.json"));
  const auto ec = keys_from_jwks_file(fixture("rfc7515_a3_p256.jwks.json"));
  const std::string a2 = kRfcA2Token;
  const std::string a3 = kRfcA3Token;
  EXPECT_FALSE(verify_signature(ec[0], a2.substr(0, a2.rfind('.')), signature_of(a2)));
  EXPECT_FALSE(verify_signature(rsa[0], a3.substr(0, a3.rfind('.')), signature_of(a3)));
}

// ---------------------------------------------------------------------------------------------------------
// End-to-end success for every algorithm and key source

struct AlgCase {
  const char* alg;
  const char* kid;
  EVP_PKEY* (*key)();
};

const AlgCase kAsymmetricCases[] = {
    {"RS256", "rsa", [] { return keys().rsa.get(); }},
    {"ES256", "ec", [] { return keys().ec.get(); }},
    {"EdDSA", "ed", [] { return keys().ed.get(); }},
};

TEST(JwtEndToEnd, AsymmetricAlgorithmsFromPemAndJwks) {
  for (const auto& cfg : {pem_config(), jwks_config()}) {
    JwtVerifier verifier(cfg);
    EXPECT_TRUE(verifier.has_any_key());
    for (const auto& c : kAsymmetricCases) {
      SCOPED_TRACE(std::string(c.alg) + (cfg.jwks_file.empty() ? " via PEM" : " via JWKS"));
      const std::string claims =
          payload(kNow + 600, R"(,"tenant_id":"t-1","role":"admin","iat":)" + std::to_string(kNow) +
                                  R"(,"nbf":)" + std::to_string(kNow));
      const std::string with_kid = make_token(
          R"({"alg":")" + std::string(c.alg) + R"(","kid":")" + c.kid + R"("})", claims, key_signer(c.key()));
      const std::string without_kid =
          make_token(R"({"alg":")" + std::string(c.alg) + R"(","typ":"JWT"})", claims, key_signer(c.key()));
      for (const auto& token : {with_kid, without_kid}) {
        const Claims out = verifier.verify(token, kNow);
        EXPECT_EQ(out.sub, "user-1");
        EXPECT_EQ(out.tenant_id, std::optional<std::string>("t-1"));
        EXPECT_EQ(out.role, "admin");
        EXPECT_EQ(out.exp, std::optional<int64_t>(kNow + 600));
        EXPECT_EQ(out.iat, std::optional<int64_t>(kNow));
        EXPECT_EQ(out.nbf, std::optional<int64_t>(kNow));
      }
    }
  }
}

TEST(JwtEndToEnd, Hs256) {
  JwtVerifier verifier(hs256_config());
  EXPECT_TRUE(verifier.has_any_key());
  const Claims out =
      verifier.verify(hs256_token(payload(kNow + 60, R"(,"iss":"idp","aud":["x","y"])")), kNow);
  EXPECT_EQ(out.sub, "user-1");
  EXPECT_EQ(out.role, "member");
  EXPECT_FALSE(out.tenant_id.has_value());
  EXPECT_EQ(out.iss, "idp");
  EXPECT_EQ(out.aud, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(out.nbf.has_value());
  EXPECT_FALSE(out.iat.has_value());
}

TEST(JwtEndToEnd, AllAlgorithmsInOneVerifier) {
  JwtVerifier verifier(full_config());
  EXPECT_EQ(verify_code(verifier, hs256_token(payload())), "ok");
  for (const auto& c : kAsymmetricCases) {
    EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":")" + std::string(c.alg) + R"("})", payload(),
                                               key_signer(c.key()))),
              "ok")
        << c.alg;
  }
}

TEST(JwtEndToEnd, KeyAndStoreApi) {
  KeyStore store;
  store.load_pem_list(keys().pem_list());
  ASSERT_EQ(store.size(), 3u);
  ASSERT_NE(store.find("rsa"), nullptr);
  EXPECT_EQ(store.find("rsa")->algorithm(), Algorithm::kRs256);
  EXPECT_EQ(store.find("ec")->algorithm(), Algorithm::kEs256);
  EXPECT_EQ(store.find("ed")->algorithm(), Algorithm::kEdDsa);
  EXPECT_EQ(store.find(""), nullptr);
  EXPECT_EQ(store.find("RSA"), nullptr);
  EXPECT_EQ(store.sole_key_for(Algorithm::kEs256), store.find("ec"));
  EXPECT_EQ(store.sole_key_for(Algorithm::kHs256), nullptr);

  EXPECT_EQ(parse_algorithm("EdDSA"), Algorithm::kEdDsa);
  EXPECT_FALSE(parse_algorithm("none").has_value());
  EXPECT_STREQ(algorithm_name(Algorithm::kEs256), "ES256");
}

// ---------------------------------------------------------------------------------------------------------
// Attacks: algorithm

TEST(JwtAttack, AlgNone) {
  JwtVerifier verifier(full_config());
  const std::string input = b64(R"({"alg":"none"})") + "." + b64(payload());
  EXPECT_EQ(verify_code(verifier, input + "."), "unsupported_algorithm");
  EXPECT_EQ(verify_code(verifier, input + "." + b64("signature")), "unsupported_algorithm");
  EXPECT_EQ(verify_code(verifier, input + "." + b64(util::hmac_sha256_raw(kSecret, input))),
            "unsupported_algorithm");
  // Without the trailing dot it is a two-segment token.
  EXPECT_EQ(verify_code(verifier, input), "malformed_token");
}

TEST(JwtAttack, AlgNameVariants) {
  JwtVerifier verifier(full_config());
  const char* kVariants[] = {"none",   "None",    "NONE",    "nOnE",  "",       "hs256",       "Hs256",
                             "HS256 ", " HS256",  "HS-256",  "rs256", "Rs256",  "es256",       "eddsa",
                             "EDDSA",  "Ed25519", "ED25519", "HS384", "HS512",  "RS384",       "RS512",
                             "PS256",  "PS384",   "ES384",   "ES512", "ES256K", "EdDSA\\u0000"};
  for (const char* alg : kVariants) {
    // A valid HS256 MAC over the token: only the alg name stands between it and acceptance.
    const std::string token =
        make_token(R"({"alg":")" + std::string(alg) + R"("})", payload(), hmac_signer(kSecret));
    EXPECT_EQ(verify_code(verifier, token), "unsupported_algorithm") << alg;
  }
}

TEST(JwtAttack, AlgMissingOrNotAString) {
  JwtVerifier verifier(full_config());
  for (const char* header :
       {R"({})", R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":null})", R"({"alg":true})",
        R"({"alg":["HS256"]})", R"({"alg":{"name":"HS256"}})", R"({"ALG":"HS256"})"}) {
    EXPECT_EQ(verify_code(verifier, make_token(header, payload(), hmac_signer(kSecret))), "malformed_token")
        << header;
  }
}

// The classic RS256 -> HS256 confusion: the attacker knows the server's RSA public key and uses its PEM
// bytes as an HMAC secret.
TEST(JwtAttack, Hs256WithRsaPublicKeyAsSecret) {
  const std::string pem_path = fixture("rfc7515_a2_rsa_pub.pem");
  const std::string pem = read_file(pem_path);
  const std::string pem_trimmed = pem.substr(0, pem.find_last_not_of('\n') + 1);
  const std::string generated_pem = read_file(keys().path("rsa.pem"));
  const std::string n_bytes = bn_param(keys().rsa.get(), OSSL_PKEY_PARAM_RSA_N);

  VerifierConfig disabled;
  disabled.public_keys = "rfc=" + pem_path + ",rsa=" + keys().path("rsa.pem");
  VerifierConfig enabled = disabled;
  enabled.hs256_secret = "a-different-configured-secret";
  const JwtVerifier hs256_disabled(disabled);
  const JwtVerifier hs256_enabled(enabled);

  for (const auto& secret : {pem, pem_trimmed, generated_pem, n_bytes}) {
    for (const char* header : {R"({"alg":"HS256","kid":"rfc"})", R"({"alg":"HS256","kid":"rsa"})",
                               R"({"alg":"HS256"})", R"({"alg":"HS256","typ":"JWT"})"}) {
      const std::string token = make_token(header, payload(), hmac_signer(secret));
      EXPECT_EQ(verify_code(hs256_disabled, token), "unsupported_algorithm") << header;
      EXPECT_EQ(verify_code(hs256_enabled, token), "bad_signature") << header;
    }
  }
}

TEST(JwtAttack, Hs256DisabledWithoutSecret) {
  JwtVerifier verifier(pem_config());
  EXPECT_EQ(verify_code(verifier, hs256_token(payload())), "unsupported_algorithm");
  // An empty secret means disabled, not "HMAC with an empty key".
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(), "")), "unsupported_algorithm");
}

TEST(JwtAttack, Hs256IgnoresKid) {
  // The kid of an RSA key does not route an HS256 token to that key; only the secret counts.
  JwtVerifier verifier(full_config());
  EXPECT_EQ(
      verify_code(verifier, make_token(R"({"alg":"HS256","kid":"rsa"})", payload(), hmac_signer(kSecret))),
      "ok");
  EXPECT_EQ(
      verify_code(verifier, make_token(R"({"alg":"HS256","kid":"rsa"})", payload(), hmac_signer("guess"))),
      "bad_signature");
}

// ---------------------------------------------------------------------------------------------------------
// Attacks: key selection

TEST(JwtAttack, UnknownKid) {
  JwtVerifier verifier(full_config());
  for (const char* kid : {"nope", "RSA", "rsa ", "../rsa", "rsa\\u0000"}) {
    const std::string token = make_token(R"({"alg":"RS256","kid":")" + std::string(kid) + R"("})", payload(),
                                         key_signer(keys().rsa.get()));
    EXPECT_EQ(verify_code(verifier, token), "unknown_key") << kid;
  }
}

TEST(JwtAttack, KidNotANonEmptyString) {
  JwtVerifier verifier(full_config());
  for (const char* header : {R"({"alg":"RS256","kid":""})", R"({"alg":"RS256","kid":5})",
                             R"({"alg":"RS256","kid":null})", R"({"alg":"RS256","kid":["rsa"]})"}) {
    EXPECT_EQ(verify_code(verifier, make_token(header, payload(), key_signer(keys().rsa.get()))),
              "malformed_token")
        << header;
  }
}

TEST(JwtAttack, KidOfKeyWithOtherAlgorithm) {
  JwtVerifier verifier(full_config());
  struct Case {
    const char* header;
    EVP_PKEY* signer;
  };
  const Case kCases[] = {
      {R"({"alg":"ES256","kid":"rsa"})", keys().ec.get()},
      {R"({"alg":"EdDSA","kid":"rsa"})", keys().ed.get()},
      {R"({"alg":"RS256","kid":"ec"})", keys().rsa.get()},
      {R"({"alg":"EdDSA","kid":"ec"})", keys().ed.get()},
      {R"({"alg":"RS256","kid":"ed"})", keys().rsa.get()},
      {R"({"alg":"ES256","kid":"ed"})", keys().ec.get()},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(verify_code(verifier, make_token(c.header, payload(), key_signer(c.signer))),
              "unsupported_algorithm")
        << c.header;
  }
}

TEST(JwtAttack, NoKidWithSeveralKeysOfTheAlgorithm) {
  VerifierConfig cfg;
  cfg.public_keys = "one=" + keys().path("rsa.pem") + ",two=" + fixture("rfc7515_a2_rsa_pub.pem");
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"RS256"})", payload(), key_signer(keys().rsa.get()))),
            "unknown_key");
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"RS256","kid":"one"})", payload(),
                                             key_signer(keys().rsa.get()))),
            "ok");
}

TEST(JwtAttack, NoKeyForTheAlgorithm) {
  VerifierConfig cfg;
  cfg.public_keys = "rsa=" + keys().path("rsa.pem");
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"ES256"})", payload(), key_signer(keys().ec.get()))),
            "unknown_key");
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"EdDSA"})", payload(), key_signer(keys().ed.get()))),
            "unknown_key");
}

TEST(JwtAttack, SignedByAnUnconfiguredKey) {
  JwtVerifier verifier(full_config());
  struct Case {
    const char* alg;
    const char* kid;
    EVP_PKEY* attacker;
  };
  const Case kCases[] = {{"RS256", "rsa", keys().attacker_rsa.get()},
                         {"ES256", "ec", keys().attacker_ec.get()},
                         {"EdDSA", "ed", keys().attacker_ed.get()}};
  for (const auto& c : kCases) {
    for (const std::string& header : {R"({"alg":")" + std::string(c.alg) + R"(","kid":")" + c.kid + R"("})",
                                      R"({"alg":")" + std::string(c.alg) + R"("})"}) {
      EXPECT_EQ(verify_code(verifier, make_token(header, payload(), key_signer(c.attacker))), "bad_signature")
          << header;
    }
  }
}

TEST(JwtAttack, EmbeddedKeyHeadersAreIgnored) {
  // jwk/jku/x5u in the header must never supply the verification key.
  JwtVerifier verifier(full_config());
  EVP_PKEY* attacker = keys().attacker_rsa.get();
  for (const std::string& header :
       {R"({"alg":"RS256","jwk":)" + jwk_json(attacker, "") + "}",
        R"({"alg":"RS256","kid":"evil","jwk":)" + jwk_json(attacker, "evil") + "}",
        std::string(R"({"alg":"RS256","jku":"https://attacker.example/jwks.json"})"),
        std::string(R"({"alg":"RS256","x5u":"https://attacker.example/cert.pem"})")}) {
    const std::string code = verify_code(verifier, make_token(header, payload(), key_signer(attacker)));
    EXPECT_TRUE(code == "bad_signature" || code == "unknown_key") << header << " -> " << code;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Attacks: signature

struct SignedCase {
  std::string name;
  std::string token;
};

std::vector<SignedCase> valid_tokens_for_each_algorithm() {
  return {
      {"HS256", hs256_token(payload())},
      {"RS256", make_token(R"({"alg":"RS256","kid":"rsa"})", payload(), key_signer(keys().rsa.get()))},
      {"ES256", make_token(R"({"alg":"ES256","kid":"ec"})", payload(), key_signer(keys().ec.get()))},
      {"EdDSA", make_token(R"({"alg":"EdDSA","kid":"ed"})", payload(), key_signer(keys().ed.get()))},
  };
}

TEST(JwtAttack, FlippedSignatureBit) {
  JwtVerifier verifier(full_config());
  for (const auto& c : valid_tokens_for_each_algorithm()) {
    ASSERT_EQ(verify_code(verifier, c.token), "ok") << c.name;
    const std::string sig = signature_of(c.token);
    for (size_t index : {size_t{0}, sig.size() / 2, sig.size() - 1}) {
      for (unsigned char mask : {0x01, 0x80}) {
        EXPECT_EQ(verify_code(verifier, replace_signature(c.token, flip_bit(sig, index, mask))),
                  "bad_signature")
            << c.name << " byte " << index;
      }
    }
  }
}

TEST(JwtAttack, TamperedPayloadOrHeader) {
  JwtVerifier verifier(full_config());
  for (const auto& c : valid_tokens_for_each_algorithm()) {
    const auto seg = segments(c.token);
    const std::string admin_payload = b64(payload(kNow + 3600, R"(,"role":"admin")"));
    EXPECT_EQ(verify_code(verifier, seg[0] + "." + admin_payload + "." + seg[2]), "bad_signature") << c.name;
    const std::string header = unb64(seg[0]);
    const std::string extended = header.substr(0, header.size() - 1) + R"(,"cty":"JWT"})";
    EXPECT_EQ(verify_code(verifier, b64(extended) + "." + seg[1] + "." + seg[2]), "bad_signature") << c.name;
  }
}

TEST(JwtAttack, TruncatedSignature) {
  JwtVerifier verifier(full_config());
  for (const auto& c : valid_tokens_for_each_algorithm()) {
    const std::string sig = signature_of(c.token);
    EXPECT_EQ(verify_code(verifier, replace_signature(c.token, sig.substr(0, sig.size() - 1))),
              "bad_signature")
        << c.name;
    EXPECT_EQ(verify_code(verifier, replace_signature(c.token, sig.substr(0, sig.size() / 2))),
              "bad_signature")
        << c.name;
    EXPECT_EQ(verify_code(verifier, replace_signature(c.token, sig.substr(1))), "bad_signature") << c.name;
    EXPECT_EQ(verify_code(verifier, replace_signature(c.token, "")), "bad_signature") << c.name;
    EXPECT_EQ(verify_code(verifier, replace_signature(c.token, sig + std::string(1, '\0'))), "bad_signature")
        << c.name;
  }
}

TEST(JwtAttack, Es256SignatureOfWrongLength) {
  JwtVerifier verifier(full_config());
  const std::string input = b64(R"({"alg":"ES256","kid":"ec"})") + "." + b64(payload());
  const std::string raw = sign(keys().ec.get(), input);
  ASSERT_EQ(raw.size(), 64u);
  ASSERT_EQ(verify_code(verifier, input + "." + b64(raw)), "ok");
  const Key ec_key = key_from_pem_file("ec", keys().path("ec.pem"));
  ASSERT_TRUE(verify_signature(ec_key, input, raw));

  // The same valid (r, s) in DER form, which OpenSSL itself would accept, is not a JWS ES256 signature.
  EcdsaSigPtr ecdsa(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  ASSERT_EQ(ECDSA_SIG_set0(ecdsa.get(), r, s), 1);
  unsigned char* der_raw = nullptr;
  const int der_len = i2d_ECDSA_SIG(ecdsa.get(), &der_raw);
  ASSERT_GT(der_len, 0);
  const std::string der(reinterpret_cast<char*>(der_raw), static_cast<size_t>(der_len));
  OPENSSL_free(der_raw);

  const std::string kWrong[] = {
      der,
      raw.substr(0, 63),
      raw + std::string(1, '\0'),
      std::string(1, '\0') + raw,
      std::string(1, '\0') + raw.substr(0, 32) + std::string(1, '\0') + raw.substr(32),  // 33-byte r and s
      raw + raw.substr(0, 32),                                                           // P-384 sized
      std::string(64, '\0'),
  };
  for (const auto& sig : kWrong) {
    EXPECT_EQ(verify_code(verifier, input + "." + b64(sig)), "bad_signature") << sig.size();
    EXPECT_FALSE(verify_signature(ec_key, input, sig)) << sig.size();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Attacks: structure

TEST(JwtAttack, MalformedBase64url) {
  JwtVerifier verifier(full_config());
  const std::string token = hs256_token(payload());
  const auto seg = segments(token);
  ASSERT_EQ(verify_code(verifier, token), "ok");
  const std::string kBadChars[] = {"*", "+", "/", " ", "=", "\n", "%", "\xc3\xa9"};
  for (int part = 0; part < 3; ++part) {
    for (const auto& bad : kBadChars) {
      auto copy = seg;
      copy[part].insert(copy[part].size() / 2, bad);
      EXPECT_EQ(verify_code(verifier, copy[0] + "." + copy[1] + "." + copy[2]), "malformed_token")
          << "segment " << part << " char " << bad;
    }
    // Padding: re-encode with '=' appended to reach a multiple of four.
    auto padded = seg;
    while (padded[part].size() % 4 != 0) padded[part] += "=";
    if (padded[part] != seg[part]) {
      EXPECT_EQ(verify_code(verifier, padded[0] + "." + padded[1] + "." + padded[2]), "malformed_token")
          << part;
    }
    // A length that no byte string encodes to.
    auto impossible = seg;
    while (impossible[part].size() % 4 != 1) impossible[part] += "A";
    EXPECT_EQ(verify_code(verifier, impossible[0] + "." + impossible[1] + "." + impossible[2]),
              "malformed_token")
        << part;
  }
}

TEST(JwtAttack, NonCanonicalSignatureEncoding) {
  // The HS256 signature is 32 bytes = 43 characters with two unused bits in the last one; setting them
  // gives a different string that sloppy decoders map to the same bytes.
  JwtVerifier verifier(full_config());
  const std::string token = hs256_token(payload());
  std::string alt = token;
  char& last = alt.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) | 0x01];
  ASSERT_NE(alt, token);
  EXPECT_EQ(verify_code(verifier, alt), "malformed_token");
}

TEST(JwtAttack, NonJsonHeader) {
  JwtVerifier verifier(full_config());
  for (const char* header :
       {"not json", "{", R"({"alg":"HS256")", R"({"alg":"HS256"}x)", R"({"alg":"HS256"}{})",
        R"({'alg':'HS256'})", R"({"alg":"HS256",})", "", R"({"alg":"HS256"} // c)"}) {
    EXPECT_EQ(verify_code(verifier, make_token(header, payload(), hmac_signer(kSecret))), "malformed_token")
        << header;
  }
  // RapidJSON alone would stop at the NUL and accept the prefix.
  const std::string nul_then_garbage = std::string("{\"alg\":\"HS256\"}\0", 16) + R"({"alg":"none"})";
  EXPECT_EQ(verify_code(verifier, make_token(nul_then_garbage, payload(), hmac_signer(kSecret))),
            "malformed_token");
  EXPECT_EQ(verify_code(verifier, make_token(std::string("{\"alg\":\"HS256\"}\0", 16), payload(),
                                             hmac_signer(kSecret))),
            "malformed_token");
  // Invalid UTF-8 inside a string.
  EXPECT_EQ(verify_code(verifier,
                        make_token("{\"alg\":\"HS256\",\"x\":\"\xff\"}", payload(), hmac_signer(kSecret))),
            "malformed_token");
}

TEST(JwtAttack, HeaderNotAnObject) {
  JwtVerifier verifier(full_config());
  for (const char* header : {R"(["HS256"])", R"([{"alg":"HS256"}])", R"("HS256")", "null", "42", "true"}) {
    EXPECT_EQ(verify_code(verifier, make_token(header, payload(), hmac_signer(kSecret))), "malformed_token")
        << header;
  }
}

TEST(JwtAttack, PayloadNotAnObjectEvenWhenSigned) {
  JwtVerifier verifier(full_config());
  for (const std::string& body : {std::string("[]"), std::string(R"(["user-1"])"), std::string(R"("user-1")"),
                                  std::string("null"), std::string("not json"), payload() + "x",
                                  payload() + "{}", payload() + std::string("\0garbage", 8)}) {
    EXPECT_EQ(verify_code(verifier, hs256_token(body)), "malformed_token") << body;
  }
}

TEST(JwtAttack, DuplicateMembers) {
  JwtVerifier verifier(full_config());
  EXPECT_EQ(
      verify_code(verifier, make_token(R"({"alg":"HS256","alg":"none"})", payload(), hmac_signer(kSecret))),
      "malformed_token");
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"user-1","sub":"admin","exp":)" +
                                              std::to_string(kNow + 60) + "}")),
            "malformed_token");
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"exp":)" + std::to_string(kNow + 999999)))),
      "malformed_token");
}

TEST(JwtAttack, CritHeader) {
  JwtVerifier verifier(full_config());
  for (const char* header : {R"({"alg":"HS256","crit":["exp"],"exp":1})", R"({"alg":"HS256","crit":[]})",
                             R"({"alg":"HS256","b64":false,"crit":["b64"]})"}) {
    EXPECT_EQ(verify_code(verifier, make_token(header, payload(), hmac_signer(kSecret))), "malformed_token")
        << header;
  }
}

TEST(JwtAttack, WrongSegmentCount) {
  JwtVerifier verifier(full_config());
  const std::string token = hs256_token(payload());
  const auto seg = segments(token);
  const std::string kCases[] = {
      "",
      ".",
      "..",
      "...",
      seg[0],
      seg[0] + "." + seg[1],
      token + ".",
      token + "." + seg[2],
      token + ".." + seg[2],
      "." + token,
      seg[0] + ".." + seg[1] + "." + seg[2],
  };
  for (const auto& t : kCases) EXPECT_EQ(verify_code(verifier, t), "malformed_token") << t;
}

TEST(JwtAttack, OversizedToken) {
  JwtVerifier verifier(hs256_config());
  std::string largest_ok;
  std::string smallest_too_big;
  for (size_t filler = 5900; filler < 6300 && smallest_too_big.empty(); ++filler) {
    const std::string t = hs256_token(payload(kNow + 60, R"(,"pad":")" + std::string(filler, 'x') + "\""));
    (t.size() <= kMaxTokenBytes ? largest_ok : smallest_too_big) = t;
  }
  ASSERT_FALSE(largest_ok.empty());
  ASSERT_FALSE(smallest_too_big.empty());
  EXPECT_LE(largest_ok.size(), 8192u);
  EXPECT_GT(smallest_too_big.size(), 8192u);
  EXPECT_EQ(verify_code(verifier, largest_ok), "ok");
  EXPECT_EQ(verify_code(verifier, smallest_too_big), "malformed_token");
  EXPECT_EQ(verify_code(verifier, std::string(1 << 20, 'A')), "malformed_token");
}

TEST(JwtAttack, DeeplyNestedJson) {
  JwtVerifier verifier(hs256_config());
  const std::string nested = std::string(2000, '[') + std::string(2000, ']');
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"x":)" + nested))), "ok");
  EXPECT_EQ(verify_code(verifier, make_token(nested, payload(), hmac_signer(kSecret))), "malformed_token");
}

// ---------------------------------------------------------------------------------------------------------
// Attacks: time claims (all validly signed, so the claim check is what decides)

TEST(JwtClaims, ExpiryAndLeeway) {
  JwtVerifier verifier(hs256_config());  // default leeway 60
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow - 61))), "token_expired");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow - 3600))), "token_expired");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow - 60))), "ok");  // within leeway
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow - 1))), "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow))), "ok");
  // Signature is checked before expiry: an expired forgery is a bad signature.
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow - 3600), "wrong")), "bad_signature");
  // Fractional NumericDate rounds toward expiry.
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"u","exp":)" + std::to_string(kNow - 60) + ".9}")),
            "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"u","exp":)" + std::to_string(kNow - 61) + ".9}")),
            "token_expired");
  // Extreme values neither overflow nor wrap around.
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(INT64_MAX))), "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(INT64_MIN))), "token_expired");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(INT64_MAX)), INT64_MAX), "ok");
}

TEST(JwtClaims, LeewayIsClamped) {
  VerifierConfig zero = hs256_config();
  zero.leeway_seconds = 0;
  EXPECT_EQ(verify_code(JwtVerifier(zero), hs256_token(payload(kNow - 1))), "token_expired");
  EXPECT_EQ(verify_code(JwtVerifier(zero), hs256_token(payload(kNow))), "ok");

  VerifierConfig huge = hs256_config();
  huge.leeway_seconds = 86400;
  EXPECT_EQ(verify_code(JwtVerifier(huge), hs256_token(payload(kNow - 61))), "token_expired");
  EXPECT_EQ(verify_code(JwtVerifier(huge), hs256_token(payload(kNow - 60))), "ok");

  VerifierConfig negative = hs256_config();
  negative.leeway_seconds = -500;
  EXPECT_EQ(verify_code(JwtVerifier(negative), hs256_token(payload(kNow))), "ok");
  EXPECT_EQ(verify_code(JwtVerifier(negative), hs256_token(payload(kNow - 1))), "token_expired");
}

TEST(JwtClaims, NotBefore) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"nbf":)" + std::to_string(kNow + 61)))),
      "token_not_yet_valid");
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"nbf":)" + std::to_string(kNow + 60)))),
      "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"nbf":)" + std::to_string(kNow - 5)))),
            "ok");
  EXPECT_EQ(verify_code(verifier,
                        hs256_token(payload(kNow + 3600, R"(,"nbf":)" + std::to_string(kNow + 60) + ".1"))),
            "token_not_yet_valid");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"nbf":"soon")"))), "invalid_claim");
}

TEST(JwtClaims, IssuedInFuture) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"iat":)" + std::to_string(kNow + 61)))),
      "token_issued_in_future");
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"iat":)" + std::to_string(kNow + 60)))),
      "ok");
  EXPECT_EQ(
      verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"iat":)" + std::to_string(kNow - 100)))),
      "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 3600, R"(,"iat":null)"))), "invalid_claim");
}

TEST(JwtClaims, MissingOrInvalidExp) {
  JwtVerifier verifier(hs256_config());
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"user-1"})")), "missing_claim");
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"user-1","iat":1700000000})")), "missing_claim");
  for (const char* exp : {R"("1800000000")", "null", "true", "{}", "[1800000000]", "1e300", "-1e300",
                          "18446744073709551615", "9223372036854775808"}) {
    EXPECT_EQ(verify_code(verifier, hs256_token(R"({"sub":"user-1","exp":)" + std::string(exp) + "}")),
              "invalid_claim")
        << exp;
  }
}

TEST(JwtClaims, Subject) {
  JwtVerifier verifier(hs256_config());
  const std::string exp = std::to_string(kNow + 60);
  EXPECT_EQ(verify_code(verifier, hs256_token(R"({"exp":)" + exp + "}")), "missing_claim");
  for (const char* sub :
       {"123", "null", "[]", R"(["user-1"])", "{}", "true", R"("")", R"("user\u0000admin")"}) {
    EXPECT_EQ(verify_code(verifier, hs256_token(R"({"exp":)" + exp + R"(,"sub":)" + sub + "}")),
              "invalid_claim")
        << sub;
  }
  const Claims out = verifier.verify(hs256_token(R"({"exp":)" + exp + R"(,"sub":"a\"b\\c\u00e9"})"), kNow);
  EXPECT_EQ(out.sub, "a\"b\\c\xc3\xa9");
}

TEST(JwtClaims, Issuer) {
  VerifierConfig cfg = hs256_config();
  cfg.issuer = "https://idp.example";
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"iss":"https://idp.example")"))), "ok");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"iss":"https://evil.example")"))),
            "bad_issuer");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"iss":"https://idp.example/")"))),
            "bad_issuer");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"iss":"")"))), "bad_issuer");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60))), "missing_claim");
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"iss":["https://idp.example"])"))),
            "invalid_claim");
  // Without a configured issuer any string is accepted (and returned).
  JwtVerifier open(hs256_config());
  EXPECT_EQ(open.verify(hs256_token(payload(kNow + 60, R"(,"iss":"anyone")")), kNow).iss, "anyone");
  EXPECT_EQ(verify_code(open, hs256_token(payload(kNow + 60, R"(,"iss":7)"))), "invalid_claim");
}

TEST(JwtClaims, Audience) {
  VerifierConfig cfg = hs256_config();
  cfg.audience = "tenantd";
  JwtVerifier verifier(cfg);
  struct Case {
    const char* aud;
    const char* code;
  };
  const Case kCases[] = {
      {R"("tenantd")", "ok"},
      {R"(["other","tenantd"])", "ok"},
      {R"(["tenantd"])", "ok"},
      {R"("other")", "bad_audience"},
      {R"("TENANTD")", "bad_audience"},
      {R"("tenantd ")", "bad_audience"},
      {R"(["other","another"])", "bad_audience"},
      {R"([])", "bad_audience"},
      {R"("")", "bad_audience"},
      {R"(5)", "invalid_claim"},
      {R"(null)", "invalid_claim"},
      {R"({"aud":"tenantd"})", "invalid_claim"},
      {R"(["tenantd",5])", "invalid_claim"},
      {R"([["tenantd"]])", "invalid_claim"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"aud":)" + std::string(c.aud)))),
              c.code)
        << c.aud;
  }
  EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60))), "missing_claim");
}

TEST(JwtClaims, Role) {
  JwtVerifier verifier(hs256_config());
  const std::string kValid[] = {"a", "member", "admin", "org:admin", "x.y-z_1", "a" + std::string(62, 'b')};
  for (const auto& role : kValid) {
    const Claims out = verifier.verify(hs256_token(payload(kNow + 60, R"(,"role":")" + role + "\"")), kNow);
    EXPECT_EQ(out.role, role);
  }
  const std::string kInvalid[] = {R"("")",
                                  R"("Admin")",
                                  R"("admin!")",
                                  R"("1admin")",
                                  R"("_admin")",
                                  R"("a b")",
                                  R"("admin\n")",
                                  R"("\u00e4dmin")",
                                  R"("admin/")",
                                  R"("admin\u0000")",
                                  "\"a" + std::string(63, 'b') + "\"",
                                  "5",
                                  "null",
                                  R"(["admin"])",
                                  "true"};
  for (const auto& role : kInvalid) {
    EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, R"(,"role":)" + role))), "invalid_claim")
        << role;
  }
  EXPECT_EQ(verifier.verify(hs256_token(payload(kNow + 60)), kNow).role, "member");
}

TEST(JwtClaims, TenantIdAndOrgIdFallback) {
  JwtVerifier verifier(hs256_config());
  auto tenant_of = [&](const std::string& extra) {
    return verifier.verify(hs256_token(payload(kNow + 60, extra)), kNow).tenant_id;
  };
  EXPECT_EQ(tenant_of(R"(,"tenant_id":"t-1")"), std::optional<std::string>("t-1"));
  EXPECT_EQ(tenant_of(R"(,"org_id":"org-9")"), std::optional<std::string>("org-9"));
  EXPECT_EQ(tenant_of(R"(,"org_id":"org-9","tenant_id":"t-1")"), std::optional<std::string>("t-1"));
  EXPECT_FALSE(tenant_of("").has_value());
  for (const char* extra : {R"(,"tenant_id":5)", R"(,"tenant_id":null)", R"(,"tenant_id":"")",
                            R"(,"org_id":["o"])", R"(,"tenant_id":"t-1","org_id":7)"}) {
    EXPECT_EQ(verify_code(verifier, hs256_token(payload(kNow + 60, extra))), "invalid_claim") << extra;
  }
}

// ---------------------------------------------------------------------------------------------------------
// mint_hs256

TEST(JwtMint, RoundTripsThroughVerifier) {
  VerifierConfig cfg = hs256_config();
  cfg.issuer = "tenantd-dev";
  cfg.audience = "tenantd";
  JwtVerifier verifier(cfg);
  const std::string token = mint_hs256(kSecret, "user-42", std::string("tenant-7"), "admin", kNow, kNow + 900,
                                       "tenantd-dev", "tenantd");
  EXPECT_EQ(unb64(segments(token)[0]), R"({"alg":"HS256","typ":"JWT"})");
  const Claims out = verifier.verify(token, kNow);
  EXPECT_EQ(out.sub, "user-42");
  EXPECT_EQ(out.tenant_id, std::optional<std::string>("tenant-7"));
  EXPECT_EQ(out.role, "admin");
  EXPECT_EQ(out.iat, std::optional<int64_t>(kNow));
  EXPECT_EQ(out.exp, std::optional<int64_t>(kNow + 900));
  EXPECT_EQ(out.iss, "tenantd-dev");
  EXPECT_EQ(out.aud, std::vector<std::string>{"tenantd"});
  EXPECT_EQ(verify_code(verifier, token, kNow + 961), "token_expired");
}

TEST(JwtMint, OptionalFieldsAndEscaping) {
  JwtVerifier verifier(hs256_config());
  const std::string token = mint_hs256(kSecret, "we\"ird\\sub\n", std::nullopt, "", kNow, kNow + 60);
  const Claims out = verifier.verify(token, kNow);
  EXPECT_EQ(out.sub, "we\"ird\\sub\n");
  EXPECT_FALSE(out.tenant_id.has_value());
  EXPECT_EQ(out.role, "member");
  EXPECT_TRUE(out.iss.empty());
  EXPECT_TRUE(out.aud.empty());
  const std::string body = unb64(segments(token)[1]);
  EXPECT_FALSE(contains(body, "tenant_id"));
  EXPECT_FALSE(contains(body, "iss"));
  EXPECT_FALSE(contains(body, "aud"));
}

TEST(JwtMint, WrongSecretAndEmptySecret) {
  const std::string token = mint_hs256("secret-a", "u", std::nullopt, "member", kNow, kNow + 60);
  EXPECT_EQ(verify_code(JwtVerifier(hs256_config("secret-b")), token), "bad_signature");
  EXPECT_THROW(mint_hs256("", "u", std::nullopt, "member", kNow, kNow + 60), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------------
// Key configuration errors: fail at startup, naming what to fix

TEST(JwtConfig, HasAnyKey) {
  EXPECT_FALSE(JwtVerifier(VerifierConfig{}).has_any_key());
  EXPECT_TRUE(JwtVerifier(hs256_config()).has_any_key());
  EXPECT_TRUE(JwtVerifier(pem_config()).has_any_key());
  EXPECT_TRUE(JwtVerifier(jwks_config()).has_any_key());
  // With no keys at all, every token fails closed.
  JwtVerifier none(VerifierConfig{});
  EXPECT_EQ(verify_code(none, hs256_token(payload())), "unsupported_algorithm");
  EXPECT_EQ(verify_code(none, make_token(R"({"alg":"RS256"})", payload(), key_signer(keys().rsa.get()))),
            "unknown_key");
}

TEST(JwtConfig, PemListParsing) {
  VerifierConfig cfg;
  cfg.public_keys = " rsa = " + keys().path("rsa.pem") + " , ,ed=" + keys().path("ed.pem") + ",";
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier,
                        make_token(R"({"alg":"EdDSA","kid":"ed"})", payload(), key_signer(keys().ed.get()))),
            "ok");
  for (const std::string& spec :
       {keys().path("rsa.pem"), "=" + keys().path("rsa.pem"), std::string("rsa="), std::string("rsa = ")}) {
    VerifierConfig bad;
    bad.public_keys = spec;
    EXPECT_TRUE(contains(expect_config_error(bad), "kid=path")) << spec;
  }
}

TEST(JwtConfig, PemErrorsNameKidAndFile) {
  const TestKeys& k = keys();
  struct Case {
    std::string name;
    std::string path;
    std::string expected_fragment;
  };
  const std::string private_pem = [&] {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), k.ec.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
  }();
  const Case kCases[] = {
      {"missing", k.path("does-not-exist.pem"), "does-not-exist.pem"},
      {"garbage", k.write("garbage.pem", "not a pem file\n"), "PUBLIC KEY"},
      {"private", k.write("private.pem", private_pem), "PUBLIC KEY"},
      {"p384", k.write("p384.pem", public_pem(generate_ec("P-384").get())), "P-256"},
      {"rsa1024", k.write("rsa1024.pem", public_pem(generate_rsa(1024).get())), "2048"},
      {"ed448", k.write("ed448.pem", public_pem(generate_key("ED448").get())), "unsupported key type"},
  };
  for (const auto& c : kCases) {
    VerifierConfig cfg;
    cfg.public_keys = "good=" + k.path("rsa.pem") + "," + c.name + "=" + c.path;
    const std::string msg = expect_config_error(cfg);
    EXPECT_TRUE(contains(msg, "'" + c.name + "'")) << msg;
    EXPECT_TRUE(contains(msg, c.path)) << msg;
    EXPECT_TRUE(contains(msg, c.expected_fragment)) << msg;
  }
}

TEST(JwtConfig, DuplicateKid) {
  VerifierConfig pem_twice;
  pem_twice.public_keys = "k=" + keys().path("rsa.pem") + ",k=" + keys().path("ec.pem");
  EXPECT_TRUE(contains(expect_config_error(pem_twice), "'k'"));
  VerifierConfig pem_and_jwks = jwks_config();
  pem_and_jwks.public_keys = "ec=" + keys().path("ec.pem");
  EXPECT_TRUE(contains(expect_config_error(pem_and_jwks), "'ec'"));
}

TEST(JwtConfig, JwksErrorsNameKidAndFile) {
  const TestKeys& k = keys();
  const std::string rsa = jwk_json(k.rsa.get(), "r1");
  const std::string ec = jwk_json(k.ec.get(), "e1");
  const std::string ed = jwk_json(k.ed.get(), "d1");
  auto with = [](std::string jwk, const std::string& extra) { return jwk.insert(jwk.size() - 1, extra); };
  std::string off_curve = ec;
  {
    // Replace y with a value that is not on the curve for this x.
    const size_t y = off_curve.find(R"("y":")") + 5;
    off_curve.replace(y, 43, b64(std::string(31, '\x01') + "\x02"));
  }
  const EvpPkeyPtr p384 = generate_ec("P-384");
  const std::string p384_jwk = R"({"kid":"p384","kty":"EC","crv":"P-384","x":")" +
                               b64(bn_param(p384.get(), OSSL_PKEY_PARAM_EC_PUB_X, 48)) + R"(","y":")" +
                               b64(bn_param(p384.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 48)) + "\"}";
  struct Case {
    std::string name;
    std::string json;
    std::string fragment;
  };
  const Case kCases[] = {
      {"alg_mismatch_rsa", jwks_json({with(rsa, R"(,"alg":"RS512")")}), "r1"},
      {"alg_mismatch_ec", jwks_json({with(ec, R"(,"alg":"RS256")")}), "e1"},
      {"alg_mismatch_ed", jwks_json({with(ed, R"(,"alg":"ES256")")}), "d1"},
      {"alg_not_string", jwks_json({with(rsa, R"(,"alg":1)")}), "r1"},
      {"oct", jwks_json({R"({"kid":"sym","kty":"oct","k":"c2VjcmV0"})"}), "JWT_HS256_SECRET"},
      {"unknown_kty", jwks_json({R"({"kid":"x","kty":"XYZ"})"}), "'x'"},
      {"no_kty", jwks_json({R"({"kid":"x"})"}), "kty"},
      {"ec_p384", jwks_json({p384_jwk}), "P-256"},
      {"ec_off_curve", jwks_json({off_curve}), "e1"},
      {"ec_short_x", jwks_json({R"({"kid":"s","kty":"EC","crv":"P-256","x":"AQID","y":"AQID"})"}),
       "32 bytes"},
      {"ed_wrong_length", jwks_json({R"({"kid":"o","kty":"OKP","crv":"Ed25519","x":"AQID"})"}), "32 bytes"},
      {"ed448", jwks_json({R"({"kid":"o","kty":"OKP","crv":"Ed448","x":"AQID"})"}), "Ed25519"},
      {"rsa_bad_b64", jwks_json({R"({"kid":"b","kty":"RSA","n":"ab+c","e":"AQAB"})"}), "base64url"},
      {"rsa_missing_e", jwks_json({R"({"kid":"b","kty":"RSA","n":"AQAB"})"}), "\"e\""},
      {"rsa_small", jwks_json({jwk_json(generate_rsa(1024).get(), "small")}), "2048"},
      {"not_json", "{\"keys\": [", "JSON"},
      {"no_keys", R"({"kty":"RSA"})", "keys"},
      {"keys_not_array", R"({"keys":{}})", "keys"},
      {"key_not_object", R"({"keys":["x"]})", "keys[0]"},
      {"only_enc", jwks_json({with(rsa, R"(,"use":"enc")")}), "no signing keys"},
      {"empty", R"({"keys":[]})", "no signing keys"},
      {"nul", jwks_json({rsa}) + std::string("\0", 1) + "garbage", "JSON"},
  };
  for (const auto& c : kCases) {
    const std::string path = k.write(c.name + ".jwks.json", c.json);
    VerifierConfig cfg;
    cfg.jwks_file = path;
    const std::string msg = expect_config_error(cfg);
    EXPECT_TRUE(contains(msg, path)) << c.name << ": " << msg;
    EXPECT_TRUE(contains(msg, c.fragment)) << c.name << ": " << msg;
  }
  VerifierConfig missing;
  missing.jwks_file = k.path("missing.jwks.json");
  EXPECT_TRUE(contains(expect_config_error(missing), "missing.jwks.json"));
}

TEST(JwtConfig, JwksSkipsNonSignatureKeys) {
  const TestKeys& k = keys();
  // The "enc" entry would be a config error if it were loaded (its alg disagrees with its type).
  const std::string path =
      k.write("mixed.jwks.json",
              jwks_json({jwk_json(k.attacker_rsa.get(), "enc-key", R"(,"use":"enc","alg":"RSA-OAEP")"),
                         jwk_json(k.rsa.get(), "sig-key", R"(,"use":"sig","alg":"RS256")")}));
  VerifierConfig cfg;
  cfg.jwks_file = path;
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier,
                        make_token(R"({"alg":"RS256","kid":"sig-key"})", payload(), key_signer(k.rsa.get()))),
            "ok");
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"RS256","kid":"enc-key"})", payload(),
                                             key_signer(k.attacker_rsa.get()))),
            "unknown_key");
}

TEST(JwtConfig, JwksKeyWithoutKidIsUsableOnlyWithoutKid) {
  const TestKeys& k = keys();
  VerifierConfig cfg;
  cfg.jwks_file = k.write("nokid.jwks.json", jwks_json({jwk_json(k.ed.get(), "")}));
  JwtVerifier verifier(cfg);
  EXPECT_EQ(verify_code(verifier, make_token(R"({"alg":"EdDSA"})", payload(), key_signer(k.ed.get()))), "ok");
  EXPECT_EQ(
      verify_code(verifier, make_token(R"({"alg":"EdDSA","kid":"x"})", payload(), key_signer(k.ed.get()))),
      "unknown_key");
}

// ---------------------------------------------------------------------------------------------------------
// Concurrency: one verifier shared by many threads

TEST(JwtConcurrency, ParallelVerificationIsConsistent) {
  JwtVerifier verifier(full_config());
  const auto good = valid_tokens_for_each_algorithm();
  std::vector<std::string> bad;
  for (const auto& c : good) bad.push_back(replace_signature(c.token, flip_bit(signature_of(c.token), 3)));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const size_t idx = static_cast<size_t>(i + t) % good.size();
        try {
          if (verifier.verify(good[idx].token, kNow).sub != "user-1") ++failures;
        } catch (...) {
          ++failures;
        }
        try {
          verifier.verify(bad[idx], kNow);
          ++failures;
        } catch (const JwtError& e) {
          if (e.code() != "bad_signature") ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace tenantd::auth
