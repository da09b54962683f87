// The identity model over real HTTP against real PostgreSQL: a password belongs to a membership
// (tenant × identity), profiles are per tenant, and nothing set by one party in one tenant opens,
// reaches or reveals anything in another. Each test is one of the attacks this model stops.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <string>

#include "auth/password.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = util::new_uuid().substr(0, 8);
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WORKERS", "0"},
                                  {"DB_POOL_SIZE", "4"},
                                  {"HTTP_THREADS", "4"},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
    worker_ =
        spawn_worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "100"}}, source_dir() + "/var/identity-worker.log");
  }
  static void TearDownTestSuite() {
    stop_process(worker_);
    delete server_;
    server_ = nullptr;
  }
  static HttpResponse req(const std::string& method, const std::string& path, Headers h = {},
                          const std::string& body = "") {
    if (!body.empty() && !h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static HttpResponse login(const std::string& tenant, const std::string& email,
                            const std::string& password) {
    return req(
        "POST", "/v1/auth/token", {},
        R"({"tenant":")" + tenant + R"(","email":")" + email + R"(","password":")" + password + R"("})");
  }
  static std::string admin_of(const Seed& s) { return mint_token(s.user_ids[0], s.id, "tenant_admin"); }

  // Public sign-up of a new tenant naming `admin_email` with `password`; waits until it is active.
  static std::string signup(const std::string& slug, const std::string& admin_email,
                            const std::string& password) {
    auto r = req("POST", "/v1/signup", {},
                 R"({"organization_name":"Org )" + slug + R"(","slug":")" + slug +
                     R"(","plan":"free","admin_email":")" + admin_email + R"(","admin_password":")" +
                     password + R"("})");
    EXPECT_EQ(r.status, 202) << r.body;
    const std::string id = str(parse(r.body), "tenant_id");
    EXPECT_TRUE(wait_for([&] {
      return q1("select tenantd.tenant_state(status, deleted_at) from tenantd.tenants where id = '" + id +
                "'") == "active";
    })) << "tenant "
        << slug << " was not provisioned";
    return id;
  }
  // An invitation from `s`'s admin for `email` with `role`; returns the token.
  static std::string invite(const Seed& s, const std::string& email, const std::string& role) {
    auto r = req("POST", "/v1/invitations", bearer(admin_of(s)),
                 R"({"email":")" + email + R"(","role":")" + role + R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    return str(parse(r.body), "token");
  }
  static HttpResponse accept(const std::string& token, const std::string& password,
                             const std::string& name = "") {
    return req("POST", "/v1/invitations/accept", {},
               R"({"token":")" + token + R"(","password":")" + password + R"(")" +
                   (name.empty() ? std::string() : R"(,"display_name":")" + name + R"(")") + "}");
  }

  static inline std::string tag_;
  static inline TenantdProcess* server_ = nullptr;
  static inline pid_t worker_ = -1;
};

// The account takeover of the sign-up route: an attacker signs up a tenant of their own naming the
// CEO's address with the attacker's password. When Big Corp invites the CEO and the CEO accepts with
// a password of their own, Big Corp is opened by the CEO's password and never by the attacker's.
TEST_F(IdentityTest, SignupNamingTheCeosEmailDoesNotOpenBigCorp) {
  Seed big = seed_tenant("idn-big", 1);
  const std::string ceo = "ceo-" + tag_ + "@big.test";
  const std::string attacker_pw = "attacker-password-1", ceo_pw = "the-ceos-own-password";

  const std::string evil = signup("idn-evil-" + tag_, ceo, attacker_pw);

  const std::string token = invite(big, ceo, "tenant_admin");
  auto acc = accept(token, ceo_pw, "Chief Executive");
  ASSERT_EQ(acc.status, 201) << acc.body;

  auto as_ceo = login(big.slug, ceo, ceo_pw);
  ASSERT_EQ(as_ceo.status, 200) << as_ceo.body;
  auto as_attacker = login(big.slug, ceo, attacker_pw);
  EXPECT_EQ(as_attacker.status, 401) << "the attacker's password opened Big Corp: " << as_attacker.body;
  EXPECT_EQ(str(parse(as_attacker.body), "code"), "invalid_credentials");

  // each credential opens its own membership only
  EXPECT_EQ(login(evil, ceo, attacker_pw).status, 200);
  EXPECT_EQ(login(evil, ceo, ceo_pw).status, 401);

  // and Big Corp sees the profile set in Big Corp
  auto me = req("GET", "/v1/me", bearer(str(parse(as_ceo.body), "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  auto md = parse(me.body);
  EXPECT_EQ(str(md["user"], "membership_role"), "tenant_admin");
  EXPECT_EQ(str(md["user"], "display_name"), "Chief Executive");
}

// The same through POST /v1/users: another tenant's admin adds the address first, with a password
// of their choosing. The person's own tenant is opened by the person's password only.
TEST_F(IdentityTest, PasswordGivenByAnotherTenantsAdminDoesNotOpenThePersonsTenant) {
  Seed attacker = seed_tenant("idn-att", 1);
  Seed big = seed_tenant("idn-big2", 1);
  const std::string person = "person-" + tag_ + "@big.test";
  auto add = req("POST", "/v1/users", bearer(admin_of(attacker)),
                 R"({"email":")" + person + R"(","role":"member","password":"attacker-chosen-1"})");
  ASSERT_EQ(add.status, 201) << add.body;

  auto acc = accept(invite(big, person, "tenant_admin"), "persons-own-password");
  ASSERT_EQ(acc.status, 201) << acc.body;

  EXPECT_EQ(login(big.slug, person, "attacker-chosen-1").status, 401)
      << "a password set by another tenant's admin opened the person's tenant";
  EXPECT_EQ(login(big.slug, person, "persons-own-password").status, 200);

  // and the other way round: a direct add never changes an existing member's credential
  Seed victim = seed_tenant("idn-vic", 2);
  admin_exec("update tenantd.memberships set password_hash = '" + auth::hash_password("victims-password-1") +
             "' where tenant_id = '" + victim.id + "' and user_id = '" + victim.user_ids[1] + "'");
  auto add2 =
      req("POST", "/v1/users", bearer(admin_of(attacker)),
          R"({"email":")" + victim.emails[1] + R"(","role":"member","password":"attacker-chosen-2"})");
  ASSERT_EQ(add2.status, 201) << add2.body;
  EXPECT_EQ(login(victim.slug, victim.emails[1], "attacker-chosen-2").status, 401);
  EXPECT_EQ(login(victim.slug, victim.emails[1], "victims-password-1").status, 200);
}

// Profiles stay in their tenant: a name the person set in A is not what B gets when B adds the
// same address, and B's answer has the same shape whether or not the address existed anywhere.
TEST_F(IdentityTest, DisplayNameSetInOneTenantIsNotShownInAnother) {
  Seed a = seed_tenant("idn-pa", 3);
  Seed b = seed_tenant("idn-pb", 1);
  const std::string secret = "Secret Name " + tag_;
  auto rename = req("PATCH", "/v1/users/" + a.user_ids[2], bearer(mint_token(a.user_ids[2], a.id, "member")),
                    R"({"display_name":")" + secret + R"("})");
  ASSERT_EQ(rename.status, 200) << rename.body;

  auto existing =
      req("POST", "/v1/users", bearer(admin_of(b)), R"({"email":")" + a.emails[2] + R"(","role":"member"})");
  ASSERT_EQ(existing.status, 201) << existing.body;
  EXPECT_EQ(existing.body.find(secret), std::string::npos) << "A's profile leaked to B: " << existing.body;
  auto fresh = req("POST", "/v1/users", bearer(admin_of(b)),
                   R"({"email":"fresh-)" + tag_ + R"(@nowhere.test","role":"member"})");
  ASSERT_EQ(fresh.status, 201) << fresh.body;

  // the same keys, and the same values apart from the identity's own id, email and time
  auto de = parse(existing.body), df = parse(fresh.body);
  ASSERT_TRUE(de.IsObject() && df.IsObject());
  EXPECT_EQ(de.MemberCount(), df.MemberCount());
  for (auto it = df.MemberBegin(); it != df.MemberEnd(); ++it) {
    const std::string k = it->name.GetString();
    ASSERT_TRUE(de.HasMember(k.c_str())) << k;
    if (k != "id" && k != "email" && k != "created_at") {
      EXPECT_TRUE(de[k.c_str()] == it->value) << "field " << k << " differs for an address known elsewhere";
    }
  }
  EXPECT_TRUE(de["display_name"].IsNull());

  auto got = req("GET", "/v1/users/" + a.user_ids[2], bearer(admin_of(b)));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body.find(secret), std::string::npos) << got.body;
  auto search = req("GET", "/v1/users?q=Secret%20Name", bearer(admin_of(b)));
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(search.body.find(a.user_ids[2]), std::string::npos)
      << "B can search by A's profile: " << search.body;
  // A still sees it
  auto in_a = req("GET", "/v1/users/" + a.user_ids[2], bearer(admin_of(a)));
  EXPECT_NE(in_a.body.find(secret), std::string::npos) << in_a.body;
}

// MAX_TENANTS_PER_USER (default 5) counts memberships the person took up. Five public sign-ups
// naming someone's address must not use up their limit and make a real invitation fail (409).
TEST_F(IdentityTest, FiveSignupsNamingAnEmailDoNotBlockARealInvitation) {
  const std::string victim = "victim-" + tag_ + "@example.org";
  for (int i = 0; i < 5; ++i)
    signup("idn-squat-" + std::to_string(i) + "-" + tag_, victim, "squatter-password");
  ASSERT_EQ(q1("select count(*) from tenantd.memberships m join tenantd.users u on u.id = m.user_id "
               "where lower(u.email) = '" +
               victim + "'"),
            "5");

  Seed real = seed_tenant("idn-real", 1);
  auto acc = accept(invite(real, victim, "member"), "victims-own-password");
  ASSERT_EQ(acc.status, 201) << "the sign-ups used up the victim's tenant limit: " << acc.body;
  EXPECT_EQ(login(real.slug, victim, "victims-own-password").status, 200);
  EXPECT_EQ(login(real.slug, victim, "squatter-password").status, 401);
}

// The invitation token is looked up before any password hash is computed: an unknown token with a
// password is refused as unknown (and computes nothing: /metrics counts hashes; see the abuse tests).
TEST_F(IdentityTest, UnknownInvitationTokenIsRefusedBeforeThePassword) {
  auto r = accept("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "some-password-1");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(str(parse(r.body), "code"), "invitation_not_found");
}

}  // namespace
}  // namespace tenantd::test
