// The request context is checked against the database on every request, in the round trip that
// sets it (tenantd.enter_context): a still-valid token of a removed, demoted or disabled member
// no longer carries its old power, a role claim never widens the membership's role, and a
// super_admin claim counts only for a subject registered with `tenantd admins`.
// Each test is the attack it stops, shown working first where that is possible.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class ContextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // user 0 is A's tenant_admin; users 1..6 are members, each test takes its own
    a_ = new Seed(seed_tenant("ctx-a", 7));
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
  }
  static HttpResponse req(const std::string& method, const std::string& path, const std::string& tok,
                          const std::string& body = "") {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + tok}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static std::string admin() { return mint_token(a_->user_ids[0], a_->id, "tenant_admin"); }
  static std::string token_of(int i, const std::string& role) {
    return mint_token(a_->user_ids[i], a_->id, role);
  }
  static void make_admin(int i) {
    admin_exec("update tenantd.memberships set role = 'tenant_admin' where tenant_id = '" + a_->id +
               "' and user_id = '" + a_->user_ids[i] + "'");
  }
  static HttpResponse invite(const std::string& tok, const std::string& role = "tenant_admin") {
    return req("POST", "/v1/invitations", tok,
               R"({"email":"ctx-)" + util::new_uuid().substr(0, 8) + R"(@elsewhere.example","role":")" +
                   role + R"("})");
  }
  static std::string me_role(const std::string& tok) {
    auto r = req("GET", "/v1/me", tok);
    auto d = parse(r.body);
    return r.status == 200 && d.IsObject() && d.HasMember("role") && d["role"].IsString()
               ? d["role"].GetString()
               : "<" + r.body + ">";
  }
  static std::string admins_cli(const std::vector<std::string>& args, int* exit_code = nullptr) {
    std::vector<std::string> argv{tenantd_binary(), "admins"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_command(argv, {{"MIGRATE_DATABASE_URL", migrator_url()}});
    if (exit_code) *exit_code = r.exit_code;
    return r.output;
  }

  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
};

// The issue's attack: a tenant_admin removed with DELETE /v1/users/{them} kept full power with
// their unexpired token, listed members and invited themselves back as tenant_admin.
TEST_F(ContextTest, RemovedAdminsTokenIsRefusedOnTheNextRequest) {
  make_admin(1);
  const std::string removed = token_of(1, "tenant_admin");
  ASSERT_EQ(req("GET", "/v1/users", removed).status, 200) << "the token works while the membership exists";

  auto del = req("DELETE", "/v1/users/" + a_->user_ids[1], admin());
  ASSERT_TRUE(del.status == 200 || del.status == 204) << del.body;

  const std::string invitations_before =
      q1("select count(*) from tenantd.invitations where tenant_id = '" + a_->id + "'");
  expect_problem(req("GET", "/v1/users", removed), 401, "membership_revoked");
  expect_problem(invite(removed), 401, "membership_revoked");
  EXPECT_EQ(q1("select count(*) from tenantd.invitations where tenant_id = '" + a_->id + "'"),
            invitations_before)
      << "no invitation was created by the removed admin";
  EXPECT_EQ(req("GET", "/v1/users", removed).header("www-authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(ContextTest, DemotedAdminCannotInviteWithTheOldToken) {
  make_admin(2);
  const std::string old = token_of(2, "tenant_admin");
  ASSERT_EQ(invite(old).status, 201) << "an admin may invite";

  auto patch = req("PATCH", "/v1/users/" + a_->user_ids[2], admin(), R"({"role":"member"})");
  ASSERT_EQ(patch.status, 200) << patch.body;

  auto r = invite(old);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(me_role(old), "member") << "/v1/me reports the effective role, not the claim";
}

TEST_F(ContextTest, DisabledMembershipIsRefused) {
  const std::string tok = token_of(3, "member");
  ASSERT_EQ(req("GET", "/v1/users", tok).status, 200);
  auto patch = req("PATCH", "/v1/users/" + a_->user_ids[3], admin(), R"({"disabled":true})");
  ASSERT_EQ(patch.status, 200) << patch.body;
  expect_problem(req("GET", "/v1/users", tok), 401, "membership_revoked");
  expect_problem(req("GET", "/v1/me", tok), 401, "membership_revoked");
}

TEST_F(ContextTest, DisabledUserIsRefusedWithAndWithoutTenant) {
  const std::string tok = token_of(4, "member");
  const std::string no_tenant = mint_token(a_->user_ids[4], std::nullopt, "member");
  ASSERT_EQ(req("GET", "/v1/users", tok).status, 200);
  ASSERT_EQ(req("GET", "/v1/me", no_tenant).status, 200);
  admin_exec("update tenantd.users set disabled = true where id = '" + a_->user_ids[4] + "'");
  expect_problem(req("GET", "/v1/users", tok), 401, "membership_revoked");
  expect_problem(req("GET", "/v1/me", no_tenant), 401, "membership_revoked");
}

TEST_F(ContextTest, TokenForAUserThatDoesNotExistIsRefused) {
  expect_problem(req("GET", "/v1/users", mint_token(util::new_uuid(), a_->id, "tenant_admin")), 401,
                 "membership_revoked");
  expect_problem(req("GET", "/v1/me", mint_token(util::new_uuid(), std::nullopt, "member")), 401,
                 "membership_revoked");
}

TEST_F(ContextTest, MemberClaimingTenantAdminActsAsMember) {
  const std::string forged_claim = token_of(5, "tenant_admin");
  EXPECT_EQ(me_role(forged_claim), "member");
  auto r = invite(forged_claim, "member");
  EXPECT_EQ(r.status, 403) << r.body;
  auto self = req("PATCH", "/v1/users/" + a_->user_ids[5], forged_claim, R"({"role":"tenant_admin"})");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(q1("select role from tenantd.memberships where user_id = '" + a_->user_ids[5] + "'"), "member");
}

TEST_F(ContextTest, ClaimNarrowsTheMembershipRole) {
  // A's tenant_admin with a token that asks for less acts with less
  const std::string narrowed = mint_token(a_->user_ids[0], a_->id, "member");
  EXPECT_EQ(me_role(narrowed), "member");
  EXPECT_EQ(invite(narrowed).status, 403);
}

TEST_F(ContextTest, SuperAdminMustBeARegisteredOperator) {
  const std::string subject = "ctx-operator-" + util::new_uuid().substr(0, 8) + "@example.test";
  const std::string tok = mint_unregistered_token(subject, std::nullopt, "super_admin");
  const auto access_rows = [&] {
    return q1("select count(*) from tenantd.audit_log where tenant_id = '" + a_->id +
              "' and action = 'super_admin.access' and details->>'route' like '%/users'");
  };
  const std::string rows_before = access_rows();

  expect_problem(req("GET", "/v1/tenants", tok), 401, "operator_not_registered");
  expect_problem(req("GET", "/v1/tenants/" + a_->id + "/users", tok), 401, "operator_not_registered");
  EXPECT_EQ(access_rows(), rows_before) << "a refused operator leaves no super_admin.access row";

  int rc = -1;
  const std::string added = admins_cli({"add", subject}, &rc);
  ASSERT_EQ(rc, 0) << added;
  EXPECT_NE(admins_cli({"list"}).find(subject), std::string::npos);
  EXPECT_EQ(req("GET", "/v1/tenants", tok).status, 200);
  EXPECT_EQ(req("GET", "/v1/tenants/" + a_->id + "/users", tok).status, 200);
  EXPECT_EQ(me_role(tok), "super_admin");

  const std::string removed = admins_cli({"remove", subject}, &rc);
  ASSERT_EQ(rc, 0) << removed;
  EXPECT_EQ(admins_cli({"list"}).find(subject), std::string::npos);
  expect_problem(req("GET", "/v1/tenants", tok), 401, "operator_not_registered");
  admins_cli({"remove", subject}, &rc);
  EXPECT_EQ(rc, 1) << "removing an operator that is not registered says so";
}

TEST_F(ContextTest, TenantUserClaimingSuperAdminIsRefused) {
  // A's tenant_admin signs a token with role super_admin: the claim is not a registry
  expect_problem(
      req("GET", "/v1/tenants", mint_unregistered_token(a_->user_ids[0], std::nullopt, "super_admin")), 401,
      "operator_not_registered");
}

// Integration settings hold credentials: only config:secrets (built-in tenant_admin) reads them.
TEST_F(ContextTest, IntegrationCredentialsAreForConfigSecretsOnly) {
  auto put = req("PUT", "/v1/config/integrations/stripe.key", admin(), R"({"value":"sk_live_ctx_secret"})");
  ASSERT_TRUE(put.status == 200 || put.status == 201) << put.body;
  EXPECT_NE(req("GET", "/v1/config", admin()).body.find("sk_live_ctx_secret"), std::string::npos)
      << "the tenant_admin reads it";

  const std::string member = token_of(6, "member");
  auto all = req("GET", "/v1/config", member);
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.body.find("sk_live_ctx_secret"), std::string::npos) << all.body;
  expect_problem(req("GET", "/v1/config/integrations", member), 403, "forbidden");
  expect_problem(req("GET", "/v1/audit-log", member), 403, "forbidden");
}

}  // namespace
}  // namespace tenantd::test
