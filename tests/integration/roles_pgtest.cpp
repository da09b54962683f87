// /v1/roles and /v1/users (members) over real HTTP against real PostgreSQL: success and failure
// paths, the cross-tenant matrix for every route of this area, MAX_TENANTS_PER_USER, and the
// concurrent last-admin case.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <thread>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class RolesFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("roles-a", 5));
    b_ = new Seed(seed_tenant("roles-b", 3));
    // a tenant-defined role in B, for the cross-tenant attempts
    b_role_ = q1("insert into tenantd.roles (tenant_id, name, description) values ('" + b_->id +
                 "', 'b_secret_role', 'B only') returning id");
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"DB_POOL_SIZE", "8"},
                                  {"HTTP_THREADS", "8"},
                                  {"BASE_DOMAIN", "example.test"},
                                  {"MAX_TENANTS_PER_USER", "3"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
  }
  static HttpResponse req(const std::string& method, const std::string& path, const std::string& tok,
                          const std::string& body = "", std::map<std::string, std::string> h = {}) {
    h["Authorization"] = "Bearer " + tok;
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static std::string admin_a() { return mint_token(a_->user_ids[0], a_->id, "tenant_admin"); }
  static std::string member_a(int i = 1) { return mint_token(a_->user_ids[i], a_->id, "member"); }
  static std::string role_id(const std::string& tenant, const std::string& name) {
    return q1("select id from tenantd.roles where tenant_id = '" + tenant + "' and name = '" + name + "'");
  }

  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
  static inline std::string b_role_;
};

class RolesTest : public RolesFixture {};
class MembersTest : public RolesFixture {};

// ---------------------------------------------------------------------------------------------
// roles

TEST_F(RolesTest, ListsAndGetsTheBuiltIns) {
  auto r = req("GET", "/v1/roles", member_a());
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  std::map<std::string, size_t> perms;
  for (auto& role : d["data"].GetArray()) {
    if (role["built_in"].GetBool()) perms[role["name"].GetString()] = role["permissions"].Size();
  }
  EXPECT_EQ(
      perms["tenant_admin"],
      13u);  // the whole catalogue, config:secrets, api_keys:manage, usage:write, export:create included
  EXPECT_EQ(perms["member"], 3u);
  EXPECT_EQ(perms["read_only"], 3u);
  EXPECT_EQ(r.body.find("b_secret_role"), std::string::npos);
  EXPECT_TRUE(d["next_cursor"].IsNull());

  auto page = req("GET", "/v1/roles?limit=1", member_a());
  ASSERT_EQ(page.status, 200) << page.body;
  auto pd = parse(page.body);
  ASSERT_EQ(pd["data"].Size(), 1u);
  ASSERT_TRUE(pd["next_cursor"].IsString());
  auto next =
      req("GET", std::string("/v1/roles?limit=1&cursor=") + pd["next_cursor"].GetString(), member_a());
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_NE(std::string(parse(next.body)["data"][0]["name"].GetString()), pd["data"][0]["name"].GetString());

  auto one = req("GET", "/v1/roles/" + role_id(a_->id, "tenant_admin"), member_a());
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_NE(one.body.find("\"roles:write\""), std::string::npos);
  expect_problem(req("GET", "/v1/roles/not-a-uuid", member_a()), 404, "role_not_found");
  expect_problem(req("GET", "/v1/roles/" + util::new_uuid(), member_a()), 404, "role_not_found");
  expect_problem(req("GET", "/v1/roles/" + b_role_, member_a()), 404, "role_not_found");
}

TEST_F(RolesTest, CreatePatchDeleteACustomRole) {
  auto c =
      req("POST", "/v1/roles", admin_a(),
          R"({"name":"auditor","description":"reads the log","permissions":["audit:read","members:read"]})");
  ASSERT_EQ(c.status, 201) << c.body;
  auto d = parse(c.body);
  const std::string id = d["id"].GetString();
  EXPECT_EQ(c.header("location"), "/v1/roles/" + id);
  EXPECT_FALSE(d["built_in"].GetBool());
  ASSERT_EQ(d["permissions"].Size(), 2u);
  EXPECT_EQ(std::string(d["permissions"][0].GetString()), "audit:read");
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'role.created' and target_id = '" + id + "'"),
      "1");

  auto p = req("PATCH", "/v1/roles/" + id, admin_a(), R"({"description":null,"permissions":["usage:read"]})");
  ASSERT_EQ(p.status, 200) << p.body;
  auto pd = parse(p.body);
  EXPECT_TRUE(pd["description"].IsNull());
  ASSERT_EQ(pd["permissions"].Size(), 1u);
  EXPECT_EQ(std::string(pd["permissions"][0].GetString()), "usage:read");
  auto p2 = req("PATCH", "/v1/roles/" + id, admin_a(), R"({"description":"usage only"})");
  ASSERT_EQ(p2.status, 200) << p2.body;
  EXPECT_EQ(std::string(parse(p2.body)["description"].GetString()), "usage only");
  EXPECT_EQ(parse(p2.body)["permissions"].Size(), 1u);
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'role.updated' and target_id = '" + id + "'"),
      "2");

  auto del = req("DELETE", "/v1/roles/" + id, admin_a());
  EXPECT_EQ(del.status, 204) << del.body;
  expect_problem(req("GET", "/v1/roles/" + id, admin_a()), 404, "role_not_found");
  expect_problem(req("DELETE", "/v1/roles/" + id, admin_a()), 404, "role_not_found");
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'role.deleted' and target_id = '" + id + "'"),
      "1");
}

TEST_F(RolesTest, RefusalsHaveTheirCodes) {
  const std::string tok = admin_a();
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1","permissions":["members:read","fly:away"]})"),
                 422, "unknown_permission");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1","permissions":["Not A Permission"]})"), 422,
                 "unknown_permission");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1"})"), 400, "missing_field");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1","permissions":"members:read"})"), 400,
                 "invalid_field_type");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1","permissions":[1]})"), 400,
                 "invalid_field_type");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"x1","permissions":[],"extra":1})"), 400,
                 "unknown_field");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"Bad Name","permissions":[]})"), 422,
                 "invalid_role_name");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"super_admin","permissions":[]})"), 422,
                 "invalid_role_name");
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"member","permissions":[]})"), 409, "role_exists");
  auto ok = req("POST", "/v1/roles", tok, R"({"name":"dup_role","permissions":[]})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  expect_problem(req("POST", "/v1/roles", tok, R"({"name":"dup_role","permissions":[]})"), 409,
                 "role_exists");
  expect_problem(req("POST", "/v1/roles", member_a(), R"({"name":"x2","permissions":[]})"), 403);

  const std::string builtin = role_id(a_->id, "member");
  expect_problem(req("PATCH", "/v1/roles/" + builtin, tok, R"({"description":"mine now"})"), 409,
                 "built_in_role");
  expect_problem(req("DELETE", "/v1/roles/" + builtin, tok), 409, "built_in_role");
  const std::string dup = parse(ok.body)["id"].GetString();
  expect_problem(req("PATCH", "/v1/roles/" + dup, tok, R"({})"), 422, "validation_failed");
  expect_problem(req("PATCH", "/v1/roles/" + dup, tok, R"({"name":"renamed"})"), 400, "unknown_field");
  expect_problem(req("PATCH", "/v1/roles/" + dup, tok, R"({"permissions":["nope:nope"]})"), 422,
                 "unknown_permission");
  expect_problem(req("PATCH", "/v1/roles/" + dup, member_a(), R"({"description":"x"})"), 403);
  expect_problem(req("DELETE", "/v1/roles/" + dup, member_a()), 403);
  expect_problem(req("PATCH", "/v1/roles/" + util::new_uuid(), tok, R"({"description":"x"})"), 404,
                 "role_not_found");

  // a role in use cannot be deleted
  admin_exec("update tenantd.memberships set role = 'dup_role' where tenant_id = '" + a_->id +
             "' and user_id = '" + a_->user_ids[4] + "'");
  expect_problem(req("DELETE", "/v1/roles/" + dup, tok), 409, "role_in_use");
  admin_exec("update tenantd.memberships set role = 'member' where tenant_id = '" + a_->id +
             "' and user_id = '" + a_->user_ids[4] + "'");
  EXPECT_EQ(req("DELETE", "/v1/roles/" + dup, tok).status, 204);
}

TEST_F(RolesTest, ATenantDefinedRoleGrantsItsPermissionsAndNoMore) {
  auto c = req("POST", "/v1/roles", admin_a(),
               R"({"name":"staffer","permissions":["members:read","members:write"]})");
  ASSERT_EQ(c.status, 201) << c.body;
  // give user 3 the role, then act with it
  auto p = req("PATCH", "/v1/users/" + a_->user_ids[3], admin_a(), R"({"role":"staffer"})");
  ASSERT_EQ(p.status, 200) << p.body;
  const std::string staff = mint_token(a_->user_ids[3], a_->id, "staffer");
  const std::string email = "staffed-" + util::new_uuid().substr(0, 8) + "@example.org";
  auto add = req("POST", "/v1/users", staff, R"({"email":")" + email + R"(","role":"staffer"})");
  EXPECT_EQ(add.status, 201) << add.body;
  // it may not hand out roles holding more than it has
  expect_problem(req("POST", "/v1/users", staff, R"({"email":"esc@example.org","role":"tenant_admin"})"), 403,
                 "role_escalation");
  expect_problem(req("PATCH", "/v1/users/" + a_->user_ids[3], staff, R"({"role":"tenant_admin"})"), 403,
                 "role_escalation");
  expect_problem(req("DELETE", "/v1/users/" + a_->user_ids[0], staff), 403, "role_escalation");
  // nor manage roles
  expect_problem(req("POST", "/v1/roles", staff, R"({"name":"x3","permissions":[]})"), 403);
  // back to member for the other tests
  ASSERT_EQ(req("PATCH", "/v1/users/" + a_->user_ids[3], admin_a(), R"({"role":"member"})").status, 200);
}

// ---------------------------------------------------------------------------------------------
// members

TEST_F(MembersTest, ListFiltersByRoleAndQuery) {
  auto admins = req("GET", "/v1/users?role=tenant_admin", member_a());
  ASSERT_EQ(admins.status, 200) << admins.body;
  auto d = parse(admins.body);
  ASSERT_GE(d["data"].Size(), 1u);
  for (auto& u : d["data"].GetArray()) EXPECT_EQ(std::string(u["role"].GetString()), "tenant_admin");

  // q matches email or display_name, case-insensitively; seed names are U0..U4
  auto byq = req("GET", "/v1/users?q=USER2", member_a());
  ASSERT_EQ(byq.status, 200) << byq.body;
  auto qd = parse(byq.body);
  ASSERT_EQ(qd["data"].Size(), 1u);
  EXPECT_EQ(std::string(qd["data"][0]["email"].GetString()), a_->emails[2]);
  auto byname = req("GET", "/v1/users?q=u3", member_a());
  ASSERT_EQ(byname.status, 200);
  EXPECT_NE(byname.body.find(a_->emails[3]), std::string::npos);
  // % and _ are literal characters, not LIKE wildcards (no email or name of A holds a _)
  auto literal = req("GET", "/v1/users?q=_", member_a());
  ASSERT_EQ(literal.status, 200);
  EXPECT_EQ(parse(literal.body)["data"].Size(), 0u);

  // paging with a filter visits every match once
  std::vector<std::string> seen;
  std::string cursor;
  for (int i = 0; i < 10; ++i) {
    auto r =
        req("GET", "/v1/users?role=member&limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), member_a());
    ASSERT_EQ(r.status, 200) << r.body;
    auto pd = parse(r.body);
    for (auto& u : pd["data"].GetArray()) seen.push_back(u["id"].GetString());
    if (pd["next_cursor"].IsNull()) break;
    cursor = pd["next_cursor"].GetString();
  }
  EXPECT_EQ(std::to_string(seen.size()), q1("select count(*) from tenantd.memberships where tenant_id = '" +
                                            a_->id + "' and role = 'member'"));
  expect_problem(req("GET", "/v1/users?role=Bad!", member_a()), 400, "invalid_filter");
  expect_problem(req("GET", "/v1/users?q=", member_a()), 400, "invalid_filter");
  EXPECT_EQ(parse(req("GET", "/v1/users?role=nonexistent", member_a()).body)["data"].Size(), 0u);
}

TEST_F(MembersTest, PatchRoleDisabledAndDisplayName) {
  const std::string uid = a_->user_ids[2];
  auto r = req("PATCH", "/v1/users/" + uid, admin_a(), R"({"role":"read_only","disabled":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  EXPECT_EQ(std::string(d["role"].GetString()), "read_only");
  EXPECT_TRUE(d["disabled"].GetBool());
  EXPECT_EQ(q1("select disabled from tenantd.users where id = '" + uid + "'"), "f");  // per tenant only
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where action = 'member.updated' and target_id = '" +
               uid + "'"),
            "1");
  ASSERT_EQ(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"role":"member","disabled":false})").status, 200);

  // a user renames themselves, with any role
  auto self = req("PATCH", "/v1/users/" + uid, member_a(2), R"({"display_name":"Renamed Two"})");
  ASSERT_EQ(self.status, 200) << self.body;
  EXPECT_EQ(std::string(parse(self.body)["display_name"].GetString()), "Renamed Two");
  // but not someone else, and not their own role
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"display_name":"Nope"})"), 403,
                 "display_name_not_yours");
  expect_problem(req("PATCH", "/v1/users/" + uid, member_a(2), R"({"role":"tenant_admin"})"), 403);
  expect_problem(req("PATCH", "/v1/users/" + a_->user_ids[1], member_a(2), R"({"disabled":true})"), 403);

  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"role":"overlord"})"), 422, "unknown_role");
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"role":"Bad!"})"), 422, "unknown_role");
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"disabled":"yes"})"), 400,
                 "invalid_field_type");
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"email":"x@y.z"})"), 400, "unknown_field");
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({})"), 422, "validation_failed");
  expect_problem(req("PATCH", "/v1/users/" + uid, admin_a(), R"({"display_name":42})"), 400,
                 "invalid_field_type");
  expect_problem(req("PATCH", "/v1/users/" + util::new_uuid(), admin_a(), R"({"role":"member"})"), 404,
                 "user_not_found");
  expect_problem(req("PATCH", "/v1/users/not-a-uuid", admin_a(), R"({"role":"member"})"), 404,
                 "user_not_found");
}

TEST_F(MembersTest, DeleteRemovesTheMembershipOnly) {
  Seed t = seed_tenant("roles-del", 3);
  const std::string admin = mint_token(t.user_ids[0], t.id, "tenant_admin");
  expect_problem(req("DELETE", "/v1/users/" + t.user_ids[2], mint_token(t.user_ids[1], t.id, "member")), 403);
  auto del = req("DELETE", "/v1/users/" + t.user_ids[2], admin);
  EXPECT_EQ(del.status, 204) << del.body;
  expect_problem(req("GET", "/v1/users/" + t.user_ids[2], admin), 404, "user_not_found");
  EXPECT_EQ(q1("select count(*) from tenantd.users where id = '" + t.user_ids[2] + "'"), "1");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where action = 'member.removed' and target_id = '" +
               t.user_ids[2] + "'"),
            "1");
  expect_problem(req("DELETE", "/v1/users/" + t.user_ids[2], admin), 404, "user_not_found");
  // the last admin: neither removed nor demoted, not even by themselves
  expect_problem(req("DELETE", "/v1/users/" + t.user_ids[0], admin), 409, "last_admin");
  expect_problem(req("PATCH", "/v1/users/" + t.user_ids[0], admin, R"({"role":"member"})"), 409,
                 "last_admin");
  expect_problem(req("PATCH", "/v1/users/" + t.user_ids[0], admin, R"({"disabled":true})"), 409,
                 "last_admin");
  EXPECT_EQ(q1("select role from tenantd.memberships where user_id = '" + t.user_ids[0] + "'"),
            "tenant_admin");
  // with a second admin, the first may go
  ASSERT_EQ(req("PATCH", "/v1/users/" + t.user_ids[1], admin, R"({"role":"tenant_admin"})").status, 200);
  EXPECT_EQ(req("DELETE", "/v1/users/" + t.user_ids[0], admin).status, 204);
}

TEST_F(MembersTest, CreateKeepsWorkingAndEnforcesTheTenantLimit) {
  // MAX_TENANTS_PER_USER is 3 for this server: a user in 3 tenants cannot join a fourth. The limit
  // counts memberships the person took up (docs/identity.md): the two direct adds count once the
  // person has logged in to them.
  Seed t1 = seed_tenant("roles-lim1", 1), t2 = seed_tenant("roles-lim2", 1),
       t3 = seed_tenant("roles-lim3", 1), t4 = seed_tenant("roles-lim4", 1);
  const std::string email = t1.emails[0];
  for (Seed* t : {&t2, &t3}) {
    auto r = req("POST", "/v1/users", mint_token(t->user_ids[0], t->id, "tenant_admin"),
                 R"({"email":")" + email + R"(","role":"member","password":"limit-password-1"})");
    ASSERT_EQ(r.status, 201) << r.body;
    auto login = http_request(
        server_->port(), "POST", "/v1/auth/token", {{"Content-Type", "application/json"}},
        R"({"tenant":")" + t->slug + R"(","email":")" + email + R"(","password":"limit-password-1"})");
    ASSERT_EQ(login.status, 200) << login.body;
  }
  auto fourth = req("POST", "/v1/users", mint_token(t4.user_ids[0], t4.id, "tenant_admin"),
                    R"({"email":")" + email + R"(","role":"member"})");
  expect_problem(fourth, 409, "too_many_tenants");
  EXPECT_EQ(fourth.body.find(t1.slug), std::string::npos);
  EXPECT_EQ(q1("select count(*) from tenantd.memberships where user_id = '" + t1.user_ids[0] + "'"), "3");
  // a member cannot add, unknown roles are 422
  expect_problem(req("POST", "/v1/users", member_a(), R"({"email":"m@example.org","role":"member"})"), 403);
  expect_problem(req("POST", "/v1/users", admin_a(), R"({"email":"m@example.org","role":"overlord"})"), 422,
                 "unknown_role");
}

// Two admins of one tenant demote each other at the same moment, many times: the tenant never
// ends up without an admin, and each round at least one of the two is refused: with last_admin
// when both ran as admins, or with 403 when one request began after the other's demotion had
// committed (the context is checked against the membership, so a demoted admin acts as member).
TEST_F(MembersTest, ConcurrentMutualDemotionKeepsAnAdmin) {
  Seed t = seed_tenant("roles-race", 2);
  const std::string x = t.user_ids[0], y = t.user_ids[1];
  const std::string tx = mint_token(x, t.id, "tenant_admin"), ty = mint_token(y, t.id, "tenant_admin");
  constexpr int kRounds = 40;
  int conflicts = 0;
  for (int round = 0; round < kRounds; ++round) {
    admin_exec("update tenantd.memberships set role = 'tenant_admin' where tenant_id = '" + t.id + "'");
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    HttpResponse rx, ry;
    std::thread a([&] {
      ready++;
      while (!go.load()) std::this_thread::yield();
      rx = req("PATCH", "/v1/users/" + y, tx, R"({"role":"member"})");
    });
    std::thread b([&] {
      ready++;
      while (!go.load()) std::this_thread::yield();
      ry = req("PATCH", "/v1/users/" + x, ty, R"({"role":"member"})");
    });
    while (ready.load() < 2) std::this_thread::yield();
    go = true;
    a.join();
    b.join();
    for (const auto* r : {&rx, &ry}) {
      EXPECT_TRUE(r->status == 200 || r->status == 409 || r->status == 403) << r->status << " " << r->body;
      if (r->status == 409) {
        expect_problem(*r, 409, "last_admin");
        ++conflicts;
      } else if (r->status == 403) {
        expect_problem(*r, 403, "forbidden");
        ++conflicts;
      }
    }
    EXPECT_TRUE(rx.status != 200 || ry.status != 200) << "round " << round << ": both demotions succeeded";
    EXPECT_EQ(q1("select count(*) from tenantd.memberships where tenant_id = '" + t.id +
                 "' and role = 'tenant_admin' and not disabled"),
              "1")
        << "round " << round;
  }
  EXPECT_GE(conflicts, kRounds);
}

// ---------------------------------------------------------------------------------------------
// cross-tenant: a token of A aimed at B by path id, path slug, header and Host, for every route
// of this area: refused, none of B's data in the answer, B unchanged.

TEST_F(RolesTest, CrossTenantMatrix) {
  const std::string b_user = b_->user_ids[1];
  const std::string before =
      q1("select md5(string_agg(m.user_id || m.role || m.disabled, ',' order by m.user_id)) from "
         "tenantd.memberships m "
         "where tenant_id = '" +
         b_->id + "'");
  const std::string roles_before =
      q1("select md5(string_agg(r.name || coalesce(r.description, ''), ',' order by "
         "r.name)) from tenantd.roles r where tenant_id = '" +
         b_->id + "'");
  struct RouteCase {
    std::string method, suffix, body;
  };
  const std::vector<RouteCase> routes = {
      {"GET", "/roles", ""},
      {"POST", "/roles", R"({"name":"intruder_role","permissions":[]})"},
      {"GET", "/roles/" + b_role_, ""},
      {"PATCH", "/roles/" + b_role_, R"({"description":"pwned"})"},
      {"DELETE", "/roles/" + b_role_, ""},
      {"GET", "/users?role=member&q=user", ""},
      {"PATCH", "/users/" + b_user, R"({"role":"tenant_admin"})"},
      {"DELETE", "/users/" + b_user, ""},
  };
  for (const std::string& tok : {admin_a(), member_a()}) {
    for (const auto& rc : routes) {
      std::vector<std::pair<std::string, std::map<std::string, std::string>>> attempts;
      attempts.push_back({"/v1/tenants/" + b_->id + rc.suffix, {}});
      attempts.push_back({"/v1/tenants/" + b_->slug + rc.suffix, {}});
      attempts.push_back({"/v1" + rc.suffix, {{"X-Tenant-Id", b_->id}}});
      attempts.push_back({"/v1" + rc.suffix, {{"X-Tenant-Id", b_->slug}}});
      attempts.push_back({"/v1" + rc.suffix, {{"Host", b_->slug + ".example.test"}}});
      for (auto& [path, headers] : attempts) {
        auto r = req(rc.method, path, tok, rc.body, headers);
        EXPECT_TRUE(r.status == 403 || r.status == 404)
            << rc.method << " " << path << " -> " << r.status << " " << r.body;
        for (const auto& e : b_->emails) EXPECT_EQ(r.body.find(e), std::string::npos) << path;
        EXPECT_EQ(r.body.find("b_secret_role"), std::string::npos) << path;
      }
    }
  }
  // the id-only spellings aimed at B's objects from A's own tenant: not found in A
  expect_problem(req("PATCH", "/v1/roles/" + b_role_, admin_a(), R"({"description":"pwned"})"), 404,
                 "role_not_found");
  expect_problem(req("DELETE", "/v1/roles/" + b_role_, admin_a()), 404, "role_not_found");
  expect_problem(req("PATCH", "/v1/users/" + b_user, admin_a(), R"({"role":"tenant_admin"})"), 404,
                 "user_not_found");
  expect_problem(req("DELETE", "/v1/users/" + b_user, admin_a()), 404, "user_not_found");
  EXPECT_EQ(q1("select md5(string_agg(m.user_id || m.role || m.disabled, ',' order by m.user_id)) from "
               "tenantd.memberships m where tenant_id = '" +
               b_->id + "'"),
            before);
  EXPECT_EQ(q1("select md5(string_agg(r.name || coalesce(r.description, ''), ',' order by r.name)) from "
               "tenantd.roles "
               "r where tenant_id = '" +
               b_->id + "'"),
            roles_before);
  EXPECT_EQ(q1("select count(*) from tenantd.roles where name = 'intruder_role'"), "0");
}

}  // namespace
}  // namespace tenantd::test
