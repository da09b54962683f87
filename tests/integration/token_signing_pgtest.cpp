// Own tokens signed asymmetrically (TOKEN_SIGNING_KEY): a real tenantd signs its login tokens with
// ES256 or EdDSA, publishes the public keys at /.well-known/jwks.json, and an independent JWT
// library (jose, tests/tools/jwt) verifies them against that URL as another service would. A key
// rotation keeps earlier tokens valid; HS256 stays available; forged tokens and wrong key
// configuration are refused.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "auth/jwt.hpp"
#include "auth/keys.hpp"
#include "auth/signing_keys.hpp"
#include "support.hpp"
#include "util/base64url.hpp"
#include "util/config.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

const std::string kIssuer = "https://auth.tenantd.test";
const std::string kAudience = "tenantd-api";
const std::string kPassword = "signing-test-password-1";

class TokenSigningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = source_dir() + "/var/token-signing-" + uniq();
    std::filesystem::create_directories(dir_);
    genpkey({"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, "old.pem");
    genpkey({"-algorithm", "ed25519"}, "new.pem");
    genpkey({"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, "stranger.pem");
    genpkey({"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}, "rsa.pem");
    seed_ = new Seed(seed_tenant("sign", 1));
    std::tie(user_id_, email_) = member_with_password(*seed_, kPassword, "member");
    // Before the rotation: one ES256 key.
    before_ = new TenantdProcess(env_with("old=" + dir_ + "/old.pem"));
    // After it: the new EdDSA key signs, the old one is still published and still verifies.
    after_ = new TenantdProcess(env_with("new=" + dir_ + "/new.pem, old=" + dir_ + "/old.pem"));
  }
  static void TearDownTestSuite() {
    delete before_;
    delete after_;
    delete seed_;
    before_ = after_ = nullptr;
    std::filesystem::remove_all(dir_);
  }

  static void genpkey(std::vector<std::string> args, const std::string& file) {
    std::vector<std::string> argv{"/usr/bin/env", "openssl", "genpkey"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"-out", dir_ + "/" + file});
    const CommandResult r = run_command(argv);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static std::map<std::string, std::string> env_with(const std::string& signing_keys) {
    return {{"TOKEN_SIGNING_KEY", signing_keys},
            {"JWT_HS256_SECRET", kTestSecret},
            {"JWT_ISSUER", kIssuer},
            {"JWT_AUDIENCE", kAudience},
            {"LOG_LEVEL", "warn"}};
  }
  static std::string login(const TenantdProcess& server) {
    auto r = http_request(server.port(), "POST", "/v1/auth/token", {{"Content-Type", "application/json"}},
                          R"({"tenant":")" + seed_->slug + R"(","email":")" + email_ + R"(","password":")" +
                              kPassword + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(parse(r.body), "access_token");
  }
  static std::string jwks_url(const TenantdProcess& server) {
    return "http://127.0.0.1:" + std::to_string(server.port()) + "/.well-known/jwks.json";
  }
  // The independent library's verdict: the parsed {"ok":…} line it prints.
  static rapidjson::Document jose_verify(const TenantdProcess& server, const std::string& token) {
    const CommandResult r = run_command({"/usr/bin/env", "node", source_dir() + "/tests/tools/jwt/verify.mjs",
                                         jwks_url(server), token, kIssuer, kAudience});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    rapidjson::Document d = parse(r.output);
    EXPECT_TRUE(d.IsObject() && d.HasMember("ok")) << r.output;
    return d;
  }
  static std::string header_json(const std::string& token) {
    return util::base64url_decode(token.substr(0, token.find('.'))).value_or("");
  }
  static int me_status(const TenantdProcess& server, const std::string& token) {
    return http_request(server.port(), "GET", "/v1/me", bearer(token)).status;
  }
  static std::string pem(const std::string& file) {
    std::ifstream in(dir_ + "/" + file);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  static inline std::string dir_, user_id_, email_;
  static inline Seed* seed_ = nullptr;
  static inline TenantdProcess* before_ = nullptr;
  static inline TenantdProcess* after_ = nullptr;
};

TEST_F(TokenSigningTest, JwksPublishesOnlyPublicKeysSigningKeyFirst) {
  auto r = http_request(after_->port(), "GET", "/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/jwk-set+json");
  EXPECT_NE(r.header("cache-control").find("max-age="), std::string::npos);
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject() && d["keys"].IsArray()) << r.body;
  ASSERT_EQ(d["keys"].Size(), 2u) << r.body;
  EXPECT_EQ(str(d["keys"][0], "kid"), "new");
  EXPECT_EQ(str(d["keys"][0], "alg"), "EdDSA");
  EXPECT_EQ(str(d["keys"][0], "crv"), "Ed25519");
  EXPECT_EQ(str(d["keys"][1], "kid"), "old");
  EXPECT_EQ(str(d["keys"][1], "alg"), "ES256");
  for (const auto& k : d["keys"].GetArray()) {
    EXPECT_FALSE(k.HasMember("d")) << "private key material published: " << r.body;
    EXPECT_EQ(str(k, "use"), "sig");
  }
  // No HS256 secret in any form.
  EXPECT_EQ(r.body.find(kTestSecret), std::string::npos);
  EXPECT_EQ(r.body.find(util::base64url_encode(kTestSecret)), std::string::npos);
}

TEST_F(TokenSigningTest, AnIndependentLibraryVerifiesTheServicesTokens) {
  const std::string es = login(*before_);
  EXPECT_EQ(header_json(es), R"({"alg":"ES256","typ":"JWT","kid":"old"})");
  auto v = jose_verify(*before_, es);
  ASSERT_TRUE(v["ok"].GetBool()) << str(v, "code");
  EXPECT_EQ(str(v["payload"], "sub"), user_id_);
  EXPECT_EQ(str(v["payload"], "tenant_id"), seed_->id);
  EXPECT_EQ(str(v["payload"], "iss"), kIssuer);
  EXPECT_EQ(me_status(*before_, es), 200);

  const std::string ed = login(*after_);
  EXPECT_EQ(header_json(ed), R"({"alg":"EdDSA","typ":"JWT","kid":"new"})");
  auto w = jose_verify(*after_, ed);
  ASSERT_TRUE(w["ok"].GetBool()) << str(w, "code");
  EXPECT_EQ(str(w["payload"], "sub"), user_id_);
  EXPECT_EQ(me_status(*after_, ed), 200);
}

TEST_F(TokenSigningTest, RotationKeepsEarlierTokensValid) {
  const std::string earlier = login(*before_);  // signed by "old" before "new" existed
  EXPECT_EQ(me_status(*after_, earlier), 200);
  auto v = jose_verify(*after_, earlier);
  EXPECT_TRUE(v["ok"].GetBool()) << str(v, "code");
  // The other way round: a token of the new key means nothing to a service that never had it.
  const std::string later = login(*after_);
  EXPECT_EQ(me_status(*before_, later), 401);
  auto w = jose_verify(*before_, later);
  EXPECT_FALSE(w["ok"].GetBool());
}

TEST_F(TokenSigningTest, Hs256StaysAvailable) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string hs =
      auth::mint_hs256(kTestSecret, user_id_, seed_->id, "member", now, now + 600, kIssuer, kAudience);
  EXPECT_EQ(me_status(*after_, hs), 200);
  // and another HS256 secret is no key at all
  const std::string other = auth::mint_hs256(std::string(kTestSecret) + "-not-it", user_id_, seed_->id,
                                             "member", now, now + 600, kIssuer, kAudience);
  EXPECT_EQ(me_status(*after_, other), 401);
}

TEST_F(TokenSigningTest, ForgedTokensAreRefusedByTheServiceAndByTheLibrary) {
  const std::string tok = login(*after_);
  const size_t d1 = tok.find('.'), d2 = tok.rfind('.');
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  // The role raised after signing.
  const std::string raised = tok.substr(0, d1 + 1) +
                             util::base64url_encode(auth::access_claims_json(
                                 user_id_, seed_->id, "tenant_admin", now, now + 600, kIssuer, kAudience)) +
                             tok.substr(d2);
  // A key nobody configured, under a configured kid.
  const auth::SigningKeys stranger = auth::SigningKeys::from_pem({{"old", pem("stranger.pem")}});
  const std::string foreign = stranger.current().sign(
      auth::access_claims_json(user_id_, seed_->id, "member", now, now + 600, kIssuer, kAudience));
  // alg none.
  const std::string none = util::base64url_encode(R"({"alg":"none","typ":"JWT","kid":"new"})") + "." +
                           tok.substr(d1 + 1, d2 - d1 - 1) + ".";
  for (const std::string& bad : {raised, foreign, none}) {
    auto r = http_request(after_->port(), "GET", "/v1/me", bearer(bad));
    expect_problem(r, 401, "invalid_token");
    auto v = jose_verify(*after_, bad);
    EXPECT_FALSE(v["ok"].GetBool());
  }
}

TEST_F(TokenSigningTest, WrongKeyConfigurationStopsStartUp) {
  for (const std::string& spec : {"r=" + dir_ + "/rsa.pem", "k=" + dir_ + "/missing.pem", dir_ + "/old.pem",
                                  "a=" + dir_ + "/old.pem,a=" + dir_ + "/new.pem"}) {
    SCOPED_TRACE(spec);
    try {
      TenantdProcess p(env_with(spec));
      ADD_FAILURE() << "tenantd started with TOKEN_SIGNING_KEY=" << spec;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("TOKEN_SIGNING_KEY"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace tenantd::test
