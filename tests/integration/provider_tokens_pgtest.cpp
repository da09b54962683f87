// Identity-provider tokens as the provider issues them, over real HTTP against real PostgreSQL:
// session tokens shaped exactly like Clerk's (version 2: organization claims nested under `o`
// with `v: 2`; the deprecated version 1: org_id, org_role, org_slug), sub = user_…, minted and
// signed (RS256, as Clerk signs) by an independent JWT library (jose, tests/tools/jwt/mint.mjs)
// and verified by tenantd against the provider's JWKS. The provider's user and organization
// ids resolve to the identity and tenant linked by external_id (what the identity-provider
// webhooks write) in the request's one statement, and the membership is still checked.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <memory>

#include "auth/webhook_signature.hpp"
#include "support.hpp"

namespace tenantd::test {
namespace {

namespace fs = std::filesystem;

// The Standard Webhooks specification's example secret (as tests/integration/webhooks_pgtest.cpp).
const std::string kWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::string node_mint(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/env", "node", source_dir() + "/tests/tools/jwt/mint.mjs"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("mint.mjs failed: " + r.output);
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

class ProviderTokens : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = source_dir() + "/var/provider-tokens-" + uniq();
    other_dir_ = dir_ + "-other";
    node_mint({"keygen", dir_});
    node_mint({"keygen", other_dir_});  // a key the service does not trust
    server_ = std::make_unique<TenantdProcess>(std::map<std::string, std::string>{
        {"JWT_HS256_SECRET", kTestSecret},
        {"JWT_JWKS_FILE", dir_ + "/jwks.json"},
        {"JWT_TENANT_CLAIM", "o.id,org_id"},
        {"JWT_ROLE_CLAIM", "o.rol,org_role"},
        {"JWT_SUBJECT_KIND", "external"},
        {"JWT_ROLE_MAP", "org:admin=tenant_admin,admin=tenant_admin,org:member=member,member=member"},
        {"WEBHOOK_SECRET", kWebhookSecret}});
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(dir_);
    fs::remove_all(other_dir_);
  }

  // A tenant linked to a provider organization, with its admin and a member linked to provider
  // users, as the organization.created / user.created / organizationMembership.created events
  // leave them.
  struct Linked {
    Seed seed;
    std::string org, admin_user, member_user;
  };
  static Linked linked(const std::string& prefix) {
    Linked l{seed_tenant(prefix, 2), "org_2" + uniq() + "Xy", "user_2" + uniq() + "Ad",
             "user_2" + uniq() + "Mb"};
    admin_exec("update tenantd.tenants set external_id = '" + l.org + "' where id = '" + l.seed.id + "'");
    admin_exec("update tenantd.users set external_id = '" + l.admin_user + "' where id = '" +
               l.seed.user_ids[0] + "'");
    admin_exec("update tenantd.users set external_id = '" + l.member_user + "' where id = '" +
               l.seed.user_ids[1] + "'");
    return l;
  }

  // Clerk session token v2: {azp, exp, fva, iat, iss, nbf, o: {id, rol, slg}, sid, sub, v: 2}
  static std::string v2(const std::string& sub, const std::string& org, const std::string& rol,
                        const std::string& slug, const std::string& dir = dir_) {
    const long now = static_cast<long>(std::time(nullptr));
    std::string o =
        org.empty() ? "" : R"(,"o":{"id":")" + org + R"(","rol":")" + rol + R"(","slg":")" + slug + R"("})";
    return node_mint({"sign", dir,
                      R"({"azp":"https://app.example.test","exp":)" + std::to_string(now + 60) +
                          R"(,"fva":[0,-1],"iat":)" + std::to_string(now) +
                          R"(,"iss":"https://clerk.example.test","nbf":)" + std::to_string(now - 5) + o +
                          R"(,"sid":"sess_2)" + uniq() + R"(","sub":")" + sub + R"(","v":2})"});
  }
  // Clerk session token v1 (deprecated): {azp, exp, iat, iss, nbf, org_id, org_role, org_slug, sid, sub}
  static std::string v1(const std::string& sub, const std::string& org, const std::string& role,
                        const std::string& slug) {
    const long now = static_cast<long>(std::time(nullptr));
    return node_mint({"sign", dir_,
                      R"({"azp":"https://app.example.test","exp":)" + std::to_string(now + 60) +
                          R"(,"iat":)" + std::to_string(now) +
                          R"(,"iss":"https://clerk.example.test","nbf":)" + std::to_string(now - 5) +
                          R"(,"org_id":")" + org + R"(","org_role":")" + role + R"(","org_slug":")" + slug +
                          R"(","sid":"sess_1)" + uniq() + R"(","sub":")" + sub + R"("})"});
  }

  static HttpResponse get(const std::string& path, const std::string& tok, Headers extra = {}) {
    Headers h = bearer(tok);
    for (auto& [k, v] : extra) h[k] = v;
    return http_request(server_->port(), "GET", path, h);
  }

  static inline std::string dir_, other_dir_;
  static inline std::unique_ptr<TenantdProcess> server_;
};

TEST_F(ProviderTokens, Version2AdminActsAsTheLinkedIdentityInTheLinkedTenant) {
  const Linked a = linked("idp-v2");
  auto me = get("/v1/me", v2(a.admin_user, a.org, "admin", a.seed.slug));
  ASSERT_EQ(me.status, 200) << me.body;
  auto d = parse(me.body);
  EXPECT_EQ(str(d, "tenant_id"), a.seed.id);
  EXPECT_EQ(str(d, "role"), "tenant_admin");
  EXPECT_EQ(str(d, "sub"), a.admin_user);
  ASSERT_TRUE(d["user"].IsObject());
  EXPECT_EQ(str(d["user"], "id"), a.seed.user_ids[0]);
  // an admin-only route
  EXPECT_EQ(get("/v1/audit-log", v2(a.admin_user, a.org, "admin", a.seed.slug)).status, 200);
}

TEST_F(ProviderTokens, Version2MemberRoleNarrowsAndIsMapped) {
  const Linked a = linked("idp-v2m");
  // the admin's membership, but the provider says member for this session: narrowed
  auto me = get("/v1/me", v2(a.admin_user, a.org, "member", a.seed.slug));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body), "role"), "member");
  expect_problem(get("/v1/audit-log", v2(a.admin_user, a.org, "member", a.seed.slug)), 403, "forbidden");
  // the provider calling a member an admin grants nothing the membership lacks
  auto claimed = get("/v1/me", v2(a.member_user, a.org, "admin", a.seed.slug));
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(str(parse(claimed.body), "role"), "member");
  expect_problem(get("/v1/audit-log", v2(a.member_user, a.org, "admin", a.seed.slug)), 403, "forbidden");
  // an unmapped provider role that is no tenantd role name: the narrowest built-in
  auto odd = get("/v1/me", v2(a.admin_user, a.org, "org:billing_manager", a.seed.slug));
  ASSERT_EQ(odd.status, 200) << odd.body;
  EXPECT_EQ(str(parse(odd.body), "role"), "member");
}

TEST_F(ProviderTokens, Version1TokensToo) {
  const Linked a = linked("idp-v1");
  auto me = get("/v1/me", v1(a.admin_user, a.org, "org:admin", a.seed.slug));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body), "role"), "tenant_admin");
  EXPECT_EQ(str(parse(me.body), "tenant_id"), a.seed.id);
  auto member = get("/v1/me", v1(a.member_user, a.org, "org:member", a.seed.slug));
  ASSERT_EQ(member.status, 200) << member.body;
  EXPECT_EQ(str(parse(member.body), "role"), "member");
}

TEST_F(ProviderTokens, MembershipIsStillChecked) {
  const Linked a = linked("idp-rm");
  const std::string tok = v2(a.member_user, a.org, "member", a.seed.slug);
  ASSERT_EQ(get("/v1/me", tok).status, 200);
  admin_exec("update tenantd.memberships set disabled = true where tenant_id = '" + a.seed.id +
             "' and user_id = '" + a.seed.user_ids[1] + "'");
  expect_problem(get("/v1/me", tok), 401, "membership_revoked");
  admin_exec("delete from tenantd.memberships where tenant_id = '" + a.seed.id + "' and user_id = '" +
             a.seed.user_ids[1] + "'");
  // the same still valid, still well-signed token of a removed member
  expect_problem(get("/v1/me", tok), 401, "membership_revoked");
}

TEST_F(ProviderTokens, OtherTenantsUnlinkedIdsAndForeignKeysAreRefused) {
  const Linked a = linked("idp-xa");
  const Linked b = linked("idp-xb");
  // A's user with B's organization: no membership there
  expect_problem(get("/v1/me", v2(a.admin_user, b.org, "admin", b.seed.slug)), 401, "membership_revoked");
  // A's organization, B named by path, header or Host
  const std::string tok = v2(a.admin_user, a.org, "admin", a.seed.slug);
  expect_problem(get("/v1/tenants/" + b.seed.slug + "/users", tok), 403, "tenant_mismatch");
  expect_problem(get("/v1/users", tok, {{"X-Tenant-Id", b.seed.id}}), 403, "tenant_mismatch");
  // organizations and users no webhook linked
  expect_problem(get("/v1/me", v2(a.admin_user, "org_unlinked" + uniq(), "admin", "x")), 404,
                 "tenant_not_found");
  expect_problem(get("/v1/me", v2("user_unlinked" + uniq(), a.org, "admin", a.seed.slug)), 401,
                 "membership_revoked");
  // no active organization: no tenant
  expect_problem(get("/v1/users", v2(a.admin_user, "", "", "")), 403, "tenant_required");
  // signed by a key the service does not trust
  expect_problem(get("/v1/me", v2(a.admin_user, a.org, "admin", a.seed.slug, other_dir_)), 401,
                 "invalid_token");
}

// End to end: Clerk's webhooks (signed as Clerk signs them, applied by a real `tenantd worker`)
// create and link the tenant, the identities and the memberships; Clerk-shaped tokens then act
// through those links, and a membership the provider ends stops its member's still-valid token.
TEST_F(ProviderTokens, LinkedByTheProvidersWebhooks) {
  const std::string s = uniq();
  const std::string org = "org_2wh" + s, admin = "user_2wha" + s, member = "user_2whm" + s;
  const std::string slug = "idp-wh-" + s;
  const std::string log = source_dir() + "/var/provider-tokens-worker-" + s + ".log";
  const pid_t worker =
      spawn_worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "200"}, {"JOB_BACKOFF_BASE_MS", "300"}}, log);
  int n = 0;
  auto send = [&](const std::string& body) {
    const std::string id = "msg_idp_" + s + "_" + std::to_string(++n);
    const std::string ts = std::to_string(static_cast<long>(std::time(nullptr)));
    const std::string key = auth::parse_webhook_secrets(kWebhookSecret).at(0);
    auto r = http_request(server_->port(), "POST", "/v1/webhooks/identity",
                          {{"Content-Type", "application/json"},
                           {"svix-id", id},
                           {"svix-timestamp", ts},
                           {"svix-signature", auth::sign_webhook(key, id, ts, body)}},
                          body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(wait_for([&] {
      return q1("select status from tenantd.webhook_events where id = '" + id + "'") == "completed";
    })) << body;
  };
  auto user = [&](const std::string& uid, const std::string& email) {
    return R"({"type":"user.created","object":"event","data":{"id":")" + uid +
           R"(","first_name":"Pat","last_name":"Test","primary_email_address_id":"idn_p","email_addresses":[{"id":"idn_p","email_address":")" +
           email + R"(","verification":{"status":"verified"}}]}})";
  };
  auto membership = [&](const std::string& type, const std::string& uid, const std::string& role) {
    return R"({"type":")" + type + R"(","object":"event","data":{"role":")" + role +
           R"(","organization":{"id":")" + org + R"("},"public_user_data":{"user_id":")" + uid + R"("}}})";
  };
  send(user(admin, "admin-" + s + "@idp-wh.example"));
  send(user(member, "member-" + s + "@idp-wh.example"));
  send(R"({"type":"organization.created","object":"event","data":{"id":")" + org +
       R"(","name":"Webhook Org","slug":")" + slug + R"(","object":"organization"}})");
  send(membership("organizationMembership.created", admin, "org:admin"));
  send(membership("organizationMembership.created", member, "org:member"));
  const std::string tenant = q1("select id from tenantd.tenants where external_id = '" + org + "'");
  ASSERT_FALSE(tenant.empty());

  auto me = get("/v1/me", v2(admin, org, "admin", slug));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body), "tenant_id"), tenant);
  EXPECT_EQ(str(parse(me.body), "role"), "tenant_admin");
  const std::string member_token = v1(member, org, "org:member", slug);
  auto m = get("/v1/me", member_token);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(str(parse(m.body), "role"), "member");

  // the provider ends the membership: the member's token, still valid and well signed, is refused
  send(membership("organizationMembership.deleted", member, "org:member"));
  expect_problem(get("/v1/me", member_token), 401, "membership_revoked");
  EXPECT_EQ(stop_process(worker), 0);
  unlink(log.c_str());
}

// tenantd's own tokens (HS256 here) keep tenantd's claims: a uuid subject, tenant_id.
TEST_F(ProviderTokens, OwnTokensStillWork) {
  const Linked a = linked("idp-own");
  auto me = get("/v1/me", mint_token(a.seed.user_ids[0], a.seed.id, "tenant_admin"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body), "tenant_id"), a.seed.id);
}

}  // namespace
}  // namespace tenantd::test
