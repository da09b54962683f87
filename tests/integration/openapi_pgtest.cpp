// docs/openapi.yaml against independent tools and a running tenantd: Redocly's linter (npm,
// pinned in tests/tools/openapi), GET /openapi.json, and the contract test (one documented
// example per operation replayed, each answer validated against its schema by Debian's
// python3-jsonschema; tests/tools/openapi/contract.py).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>

#include "support.hpp"

namespace tenantd::test {
namespace {

const std::string kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(OpenApiLint, RedoclyRecommendedStrictPasses) {
  const std::string dir = source_dir() + "/tests/tools/openapi";
  const CommandResult r =
      run_command({"/usr/bin/env", "node", dir + "/node_modules/@redocly/cli/bin/cli.js", "lint", "--config",
                   dir + "/redocly.yaml", source_dir() + "/docs/openapi.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("valid"), std::string::npos) << r.output;
}

// The linter is a real check: a document with an undeclared path parameter fails it.
TEST(OpenApiLint, RedoclyRefusesABrokenDocument) {
  const std::string dir = source_dir() + "/tests/tools/openapi";
  std::ifstream in(source_dir() + "/docs/openapi.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto pos = text.find("\n  /v1/me:\n");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 11, "\n  /v1/me/{undeclared}:\n");
  const std::string broken = "/tmp/tenantd-openapi-broken-" + uniq() + ".yaml";
  std::ofstream(broken) << text;
  const CommandResult r = run_command({"/usr/bin/env", "node", dir + "/node_modules/@redocly/cli/bin/cli.js",
                                       "lint", "--config", dir + "/redocly.yaml", broken});
  std::remove(broken.c_str());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("path-parameters-defined"), std::string::npos) << r.output;
}

class OpenApiContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WEBHOOK_SECRET", kWebhookSecret},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() { delete server_; }
  static inline TenantdProcess* server_ = nullptr;
};

TEST_F(OpenApiContractTest, ServesTheDocumentAsJson) {
  const auto r = http_request(server_->port(), "GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << r.header("content-type");
  const auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(str(d, "openapi"), "3.1.0");
  ASSERT_TRUE(d.HasMember("paths") && d["paths"].IsObject());
  EXPECT_TRUE(d["paths"].HasMember("/v1/tenants/{tenant}/users"));
}

TEST_F(OpenApiContractTest, EveryOperationAnswersAsDocumented) {
  const Seed a = seed_tenant("oa", 3);
  const Seed lifecycle = seed_tenant("oalife", 1);
  const std::string password = "contract-test-passphrase";
  const auto [user_id, email] = member_with_password(a, password, "tenant_admin");
  const std::string super = mint_token("oa-operator-" + uniq(), std::nullopt, "super_admin");
  const std::string admin = mint_token(a.user_ids[0], a.id, "tenant_admin");
  const std::string run = uniq();
  // literal example values of docs/openapi.yaml -> this run's values
  const std::string vars =
      R"({"run":")" + run + R"(","webhook_secret":")" + kWebhookSecret + R"(","tokens":{"super":")" + super +
      R"(","admin":")" + admin + R"(","lifecycle_tenant":")" + lifecycle.slug +
      R"("},"ids":{"/v1/tenant-status":")" + a.id + R"("},"replace":{"acme":")" + a.slug +
      R"(","ada@acme.example":")" + email + R"(","correct horse battery":")" + password +
      R"(","app.customer.example":"app.)" + run + R"(.customer-)" + run +
      R"(.com","org_123":"org_contract_)" + run + R"(","Acme":"Contract )" + run + R"("}})";
  const std::string vars_file = "/tmp/tenantd-openapi-vars-" + run + ".json";
  std::ofstream(vars_file) << vars;
  const CommandResult r = run_command({"/usr/bin/python3", source_dir() + "/tests/tools/openapi/contract.py",
                                       "http://127.0.0.1:" + std::to_string(server_->port()), vars_file});
  std::remove(vars_file.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tenantd::test
