// Standard Webhooks signature verification: the specification's published vector and attacks.
#include "auth/webhook_signature.hpp"

#include <gtest/gtest.h>

namespace tenantd::auth {
namespace {

// The example of the Standard Webhooks specification (also used by Svix's libraries).
const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const std::string kTs = "1614265330";
const std::string kBody = R"({"test": 2432232314})";
const std::string kSig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const int64_t kNow = 1614265330;

std::string code_of(const std::vector<std::string>& keys, const std::string& id, const std::string& ts,
                    const std::string& body, const std::string& sig, int64_t now) {
  try {
    verify_webhook(keys, id, ts, body, sig, now);
    return "ok";
  } catch (const WebhookError& e) {
    return e.code();
  }
}

TEST(WebhookSignature, SpecificationVector) {
  const auto keys = parse_webhook_secrets(kSecret);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(sign_webhook(keys[0], kId, kTs, kBody), kSig);
  EXPECT_EQ(code_of(keys, kId, kTs, kBody, kSig, kNow), "ok");
}

TEST(WebhookSignature, Refusals) {
  const auto keys = parse_webhook_secrets(kSecret);
  const auto other = parse_webhook_secrets("whsec_" + std::string("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"));
  struct Case {
    const char* name;
    std::vector<std::string> keys;
    std::string id, ts, body, sig;
    int64_t now;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"wrong secret", other, kId, kTs, kBody, kSig, kNow, "bad_signature"},
      {"tampered body", keys, kId, kTs, R"({"test": 2432232315})", kSig, kNow, "bad_signature"},
      {"other id", keys, "msg_other", kTs, kBody, kSig, kNow, "bad_signature"},
      {"timestamp 6 minutes old", keys, kId, kTs, kBody, kSig, kNow + 360, "timestamp_out_of_tolerance"},
      {"timestamp 6 minutes ahead", keys, kId, kTs, kBody, kSig, kNow - 360, "timestamp_out_of_tolerance"},
      {"timestamp within 5 minutes", keys, kId, kTs, kBody, kSig, kNow + 299, "ok"},
      {"non-numeric timestamp", keys, kId, "16142653x0", kBody, kSig, kNow, "bad_timestamp"},
      {"missing id", keys, "", kTs, kBody, kSig, kNow, "missing_header"},
      {"missing signature", keys, kId, kTs, kBody, "", kNow, "missing_header"},
      {"v1a scheme", keys, kId, kTs, kBody, "v1a," + kSig.substr(3), kNow, "bad_signature"},
      {"bare base64", keys, kId, kTs, kBody, kSig.substr(3), kNow, "bad_signature"},
      {"one of several valid", keys, kId, kTs, kBody, "v1,bm9wZQ== " + kSig + " v2,xyz", kNow, "ok"},
      {"several, none valid", keys, kId, kTs, kBody, "v1,bm9wZQ== v1,YWJj", kNow, "bad_signature"},
      {"no keys configured", {}, kId, kTs, kBody, kSig, kNow, "bad_signature"},
  };
  for (const auto& c : cases) EXPECT_EQ(code_of(c.keys, c.id, c.ts, c.body, c.sig, c.now), c.code) << c.name;
}

TEST(WebhookSignature, RotationAcceptsAnyConfiguredSecret) {
  const auto keys = parse_webhook_secrets("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0, " + kSecret);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(code_of(keys, kId, kTs, kBody, kSig, kNow), "ok");
}

TEST(WebhookSignature, MalformedSecretsAreConfigErrors) {
  EXPECT_THROW(parse_webhook_secrets("whsec_!!!"), std::runtime_error);
  EXPECT_THROW(parse_webhook_secrets("whsec_c2hvcnQ="), std::runtime_error);  // too short
  EXPECT_TRUE(parse_webhook_secrets("").empty());
}

}  // namespace
}  // namespace tenantd::auth
