// Invitations (issue 4 §4) and login (issue 4 §7) over real HTTP against real PostgreSQL.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <thread>

#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "support.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

std::string unique(const std::string& p) {
  return p + "-" + util::new_uuid().substr(0, 8);
}

// One server and two tenants for both suites.
class LifecycleBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("inv-a", 4));
    b_ = new Seed(seed_tenant("inv-b", 4));
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"DB_POOL_SIZE", "4"},
                                  {"HTTP_THREADS", "4"},
                                  {"BASE_DOMAIN", "example.test"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
    server_ = nullptr;
  }
  static HttpResponse get(const std::string& path, const std::map<std::string, std::string>& h = {}) {
    return http_request(server_->port(), "GET", path, h);
  }
  static HttpResponse post(const std::string& path, const std::string& body,
                           std::map<std::string, std::string> h = {}) {
    if (!h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), "POST", path, h, body);
  }
  static std::string admin_a() { return mint_token(a_->user_ids[0], a_->id, "tenant_admin"); }
  static std::string member_a() { return mint_token(a_->user_ids[1], a_->id, "member"); }
  static std::string admin_b() { return mint_token(b_->user_ids[0], b_->id, "tenant_admin"); }

  // POST /v1/invitations as A's admin; returns the parsed answer (asserting 201).
  static rapidjson::Document invite(const std::string& email, const std::string& role = "member",
                                    const std::string& tok = "") {
    auto r = post("/v1/invitations", R"({"email":")" + email + R"(","role":")" + role + R"("})",
                  bearer(tok.empty() ? admin_a() : tok));
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r.body);
  }

  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
};

class InvitationsTest : public LifecycleBase {};

TEST_F(InvitationsTest, CreateAnswersTheTokenOnceAndStoresOnlyItsHash) {
  const std::string email = unique("carol") + "@example.org";
  auto r = post("/v1/invitations", R"({"email":")" + email + R"(","role":"member","expires_in_days":3})",
                bearer(admin_a()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  auto d = parse(r.body);
  const std::string id = str(d, "id"), token = str(d, "token");
  EXPECT_EQ(token.size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(str(d, "status"), "pending");
  EXPECT_EQ(str(d, "email"), email);
  EXPECT_EQ(str(d, "invited_by"), a_->user_ids[0]);
  EXPECT_EQ(r.header("location"), "/v1/invitations/" + id);
  auto row = admin_query(
      "select encode(token_hash, 'hex'), round(extract(epoch from expires_at - created_at) / 86400), "
      "tenant_id::text, row_to_json(i)::text from tenantd.invitations i where id = '" +
      id + "'");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0], util::sha256_hex(token));
  EXPECT_EQ(row[0][1], "3");
  EXPECT_EQ(row[0][2], a_->id);
  EXPECT_EQ(row[0][3].find(token), std::string::npos);  // the token itself is nowhere in the row
  // Never shown again: neither by id nor in the list.
  auto one = get("/v1/invitations/" + id, bearer(admin_a()));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body.find(token), std::string::npos);
  EXPECT_FALSE(parse(one.body).HasMember("token"));
  auto list = get("/v1/invitations?limit=200", bearer(admin_a()));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(id), std::string::npos);
  EXPECT_EQ(list.body.find(token), std::string::npos);
  auto audit =
      admin_query("select action, actor_id::text from tenantd.audit_log where target_id = '" + id + "'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0][0], "invitation.created");
  EXPECT_EQ(audit[0][1], a_->user_ids[0]);
  // Default expiry: INVITATION_EXPIRY_DAYS (7).
  auto def = invite(unique("dflt") + "@example.org");
  auto days = admin_query(
      "select round(extract(epoch from expires_at - created_at) / 86400) from tenantd.invitations "
      "where id = '" +
      str(def, "id") + "'");
  EXPECT_EQ(days[0][0], "7");
}

TEST_F(InvitationsTest, CreateRefusesBadInput) {
  const auto h = bearer(admin_a());
  expect_problem(
      post("/v1/invitations", R"({"email":"x@example.org","role":"member","expires_in_days":0})", h), 422,
      "validation_failed");
  expect_problem(
      post("/v1/invitations", R"({"email":"x@example.org","role":"member","expires_in_days":31})", h), 422,
      "validation_failed");
  expect_problem(
      post("/v1/invitations", R"({"email":"x@example.org","role":"member","expires_in_days":"7"})", h), 400,
      "invalid_field_type");
  expect_problem(post("/v1/invitations", R"({"role":"member"})", h), 400, "missing_field");
  expect_problem(post("/v1/invitations", R"({"email":"x@example.org","role":"member","admin":true})", h), 400,
                 "unknown_field");
  expect_problem(post("/v1/invitations", R"({"email":"not-an-email","role":"member"})", h), 422);
  expect_problem(post("/v1/invitations", R"({"email":"x@example.org","role":"overlord"})", h), 422,
                 "unknown_role");
  expect_problem(post("/v1/invitations", R"({"email":)", h), 400, "malformed_json");
  // Existing member: 409 already_member; a second pending invitation: 409 already_invited.
  expect_problem(post("/v1/invitations", R"({"email":")" + a_->emails[2] + R"(","role":"member"})", h), 409,
                 "already_member");
  const std::string email = unique("twice") + "@example.org";
  invite(email);
  expect_problem(post("/v1/invitations", R"({"email":")" + email + R"(","role":"member"})", h), 409,
                 "already_invited");
  // Permission: a member has no invitations:write; nor may it list.
  expect_problem(post("/v1/invitations", R"({"email":"y@example.org","role":"member"})", bearer(member_a())),
                 403);
  expect_problem(get("/v1/invitations", bearer(member_a())), 403);
  expect_problem(post("/v1/invitations", R"({"email":"y@example.org","role":"member"})"), 401,
                 "unauthenticated");
}

TEST_F(InvitationsTest, AcceptCreatesUserAndMembershipThenTheUserLogsIn) {
  const std::string email = unique("dora") + "@example.org";
  auto inv = invite(email, "read_only");
  auto acc =
      post("/v1/invitations/accept", R"({"token":")" + str(inv, "token") +
                                         R"(","password":"correct horse battery","display_name":"Dora"})");
  ASSERT_EQ(acc.status, 201) << acc.body;
  auto d = parse(acc.body);
  EXPECT_EQ(str(d, "tenant_id"), a_->id);
  EXPECT_EQ(str(d, "tenant_slug"), a_->slug);
  EXPECT_EQ(str(d, "role"), "read_only");
  EXPECT_FALSE(d.HasMember("user_created"));  // the same answer whether or not the email had an identity
  const std::string uid = str(d, "user_id");
  auto m = admin_query(
      "select m.role, m.display_name, left(m.password_hash, 7) from tenantd.memberships m "
      "join tenantd.users u on u.id = m.user_id where m.tenant_id = '" +
      a_->id + "' and u.id = '" + uid + "'");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0][0], "read_only");
  EXPECT_EQ(m[0][1], "Dora");
  EXPECT_EQ(m[0][2], "scrypt$");
  auto st = admin_query("select status, accepted_by::text from tenantd.invitations where id = '" +
                        str(inv, "id") + "'");
  EXPECT_EQ(st[0][0], "accepted");
  EXPECT_EQ(st[0][1], uid);
  EXPECT_EQ(
      admin_query(
          "select count(*) from tenantd.audit_log where action = 'invitation.accepted' and target_id = '" +
          str(inv, "id") + "'")[0][0],
      "1");
  // The new member logs in with the password chosen at acceptance.
  auto login = post("/v1/auth/token", R"({"tenant":")" + a_->slug + R"(","email":")" + email +
                                          R"(","password":"correct horse battery"})");
  ASSERT_EQ(login.status, 200) << login.body;
  auto me = get("/v1/me", bearer(str(parse(login.body), "access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body)["user"], "membership_role"), "read_only");
  // Accepting twice: 410.
  expect_problem(post("/v1/invitations/accept", R"({"token":")" + str(inv, "token") + R"("})"), 410,
                 "invitation_unusable");
}

TEST_F(InvitationsTest, AcceptLinksAnExistingIdentityWithoutTouchingIt) {
  auto inv = invite(b_->emails[2], "member");
  auto before = admin_query(
      "select * from tenantd.users u join tenantd.memberships m on m.user_id = u.id "
      "where u.id = '" +
      b_->user_ids[2] + "'");
  auto acc = post("/v1/invitations/accept",
                  R"({"token":")" + str(inv, "token") + R"(","password":"a-new-password"})");
  ASSERT_EQ(acc.status, 201) << acc.body;
  auto d = parse(acc.body);
  EXPECT_EQ(str(d, "user_id"), b_->user_ids[2]);
  EXPECT_EQ(acc.body.find(b_->id), std::string::npos);  // nothing about the user's other tenant
  auto after = admin_query(
      "select * from tenantd.users u join tenantd.memberships m on m.user_id = u.id "
      "where u.id = '" +
      b_->user_ids[2] + "' and m.tenant_id = '" + b_->id + "'");
  EXPECT_EQ(before, after);  // the identity and the membership in B are untouched
}

TEST_F(InvitationsTest, UnusableAndUnknownTokens) {
  // expired (made so by admin SQL), revoked, unknown, malformed
  auto expired = invite(unique("exp") + "@example.org");
  admin_exec("update tenantd.invitations set expires_at = now() - interval '1 minute' where id = '" +
             str(expired, "id") + "'");
  expect_problem(post("/v1/invitations/accept", R"({"token":")" + str(expired, "token") + R"("})"), 410,
                 "invitation_unusable");
  auto revoked = invite(unique("rev") + "@example.org");
  ASSERT_EQ(post("/v1/invitations/" + str(revoked, "id") + "/revoke", "", bearer(admin_a())).status, 200);
  expect_problem(post("/v1/invitations/accept", R"({"token":")" + str(revoked, "token") + R"("})"), 410,
                 "invitation_unusable");
  expect_problem(post("/v1/invitations/accept", R"({"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})"),
                 404, "invitation_not_found");
  expect_problem(post("/v1/invitations/accept", R"({"token":"short"})"), 404, "invitation_not_found");
  expect_problem(post("/v1/invitations/accept", R"({})"), 400, "missing_field");
  expect_problem(
      post("/v1/invitations/accept", R"({"token":")" + str(expired, "token") + R"(","password":"short"})"),
      422);
  // Nothing was created for the unusable ones.
  EXPECT_EQ(admin_query("select count(*) from tenantd.invitations where id in ('" + str(expired, "id") +
                        "', '" + str(revoked, "id") + "') and status = 'accepted'")[0][0],
            "0");
  // the listing derives "expired" and filters on it
  auto list = get("/v1/invitations?status=expired&limit=200", bearer(admin_a()));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(str(expired, "id")), std::string::npos);
  EXPECT_EQ(list.body.find(str(revoked, "id")), std::string::npos);
}

TEST_F(InvitationsTest, RevokeAndListFiltersAndPagination) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(str(invite(unique("page") + "@example.org"), "id"));
  auto rev = post("/v1/invitations/" + ids[0] + "/revoke", "", bearer(admin_a()));
  ASSERT_EQ(rev.status, 200) << rev.body;
  EXPECT_EQ(str(parse(rev.body), "status"), "revoked");
  EXPECT_FALSE(str(parse(rev.body), "revoked_at").empty());
  EXPECT_EQ(post("/v1/invitations/" + ids[0] + "/revoke", "", bearer(admin_a())).status, 200);  // idempotent
  EXPECT_EQ(
      admin_query(
          "select count(*) from tenantd.audit_log where action = 'invitation.revoked' and target_id = '" +
          ids[0] + "'")[0][0],
      "1");
  expect_problem(post("/v1/invitations/" + util::new_uuid() + "/revoke", "", bearer(admin_a())), 404,
                 "invitation_not_found");
  expect_problem(post("/v1/invitations/not-a-uuid/revoke", "", bearer(admin_a())), 404,
                 "invitation_not_found");
  expect_problem(post("/v1/invitations/" + ids[1] + "/revoke", "", bearer(member_a())), 403);
  expect_problem(get("/v1/invitations/" + util::new_uuid(), bearer(admin_a())), 404, "invitation_not_found");
  // accepted invitations cannot be revoked
  auto acc_inv = invite(unique("acc") + "@example.org");
  ASSERT_EQ(post("/v1/invitations/accept", R"({"token":")" + str(acc_inv, "token") + R"("})").status, 201);
  expect_problem(post("/v1/invitations/" + str(acc_inv, "id") + "/revoke", "", bearer(admin_a())), 409,
                 "invitation_accepted");

  auto revoked = get("/v1/invitations?status=revoked&limit=200", bearer(admin_a()));
  ASSERT_EQ(revoked.status, 200);
  EXPECT_NE(revoked.body.find(ids[0]), std::string::npos);
  EXPECT_EQ(revoked.body.find(ids[1]), std::string::npos);
  auto accepted = get("/v1/invitations?status=accepted&limit=200", bearer(admin_a()));
  EXPECT_NE(accepted.body.find(str(acc_inv, "id")), std::string::npos);
  // pagination: every invitation exactly once, newest first
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto r = get("/v1/invitations?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), bearer(admin_a()));
    ASSERT_EQ(r.status, 200) << r.body;
    auto d = parse(r.body);
    for (auto& i : d["data"].GetArray()) seen.push_back(i["id"].GetString());
    if (d["next_cursor"].IsNull()) break;
    cursor = d["next_cursor"].GetString();
  }
  const auto total =
      admin_query("select count(*) from tenantd.invitations where tenant_id = '" + a_->id + "'")[0][0];
  EXPECT_EQ(std::to_string(seen.size()), total);
  std::set<std::string> uniq(seen.begin(), seen.end());
  EXPECT_EQ(uniq.size(), seen.size());
  expect_problem(get("/v1/invitations?status=bogus", bearer(admin_a())), 400, "invalid_status");
  expect_problem(get("/v1/invitations?cursor=AAAA", bearer(admin_a())), 400, "invalid_cursor");
  expect_problem(get("/v1/invitations?limit=0", bearer(admin_a())), 400, "invalid_limit");
}

TEST_F(InvitationsTest, BulkAnswersOneResultPerEntry) {
  const std::string g1 = unique("bulk1") + "@example.org", g2 = unique("bulk2") + "@example.org";
  const std::string body = R"({"invitations":[)"
                           R"({"email":")" +
                           g1 +
                           R"(","role":"member"},)"
                           R"({"email":")" +
                           a_->emails[1] +
                           R"(","role":"member"},)"
                           R"({"email":"z@example.org","role":"nope"},)"
                           R"({"email":")" +
                           g1 +
                           R"(","role":"member"},)"
                           R"({"email":42,"role":"member"},)"
                           R"({"email":"q@example.org","role":"member","expires_in_days":99},)"
                           R"({"email":"q@example.org","role":"member","extra":1},)"
                           R"("not an object",)"
                           R"({"email":")" +
                           g2 + R"(","role":"read_only","expires_in_days":2}]})";
  auto r = post("/v1/invitations/bulk", body, bearer(admin_a()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  const auto& res = d["results"];
  ASSERT_EQ(res.Size(), 9u);
  const int want_status[] = {201, 409, 422, 409, 400, 422, 400, 400, 201};
  const char* want_code[] = {"",
                             "already_member",
                             "unknown_role",
                             "already_invited",
                             "invalid_field_type",
                             "validation_failed",
                             "unknown_field",
                             "invalid_field_type",
                             ""};
  for (rapidjson::SizeType i = 0; i < res.Size(); ++i) {
    EXPECT_EQ(res[i]["index"].GetInt(), static_cast<int>(i));
    EXPECT_EQ(res[i]["status"].GetInt(), want_status[i]) << i << " " << r.body;
    if (want_status[i] == 201) {
      EXPECT_EQ(str(res[i]["invitation"], "token").size(), 43u);
      EXPECT_EQ(str(res[i]["invitation"], "status"), "pending");
    } else {
      EXPECT_EQ(str(res[i], "code"), want_code[i]) << i;
      EXPECT_FALSE(res[i].HasMember("invitation"));
    }
  }
  EXPECT_EQ(d["created"].GetInt(), 2);
  EXPECT_EQ(d["failed"].GetInt(), 7);
  EXPECT_EQ(admin_query("select count(*) from tenantd.invitations where lower(email) in (lower('" + g1 +
                        "'), lower('" + g2 + "'), 'q@example.org', 'z@example.org')")[0][0],
            "2");
  // tokens from bulk work
  ASSERT_EQ(
      post("/v1/invitations/accept", R"({"token":")" + str(res[8]["invitation"], "token") + R"("})").status,
      201);
  // limits and shape of the request as a whole
  std::string many = R"({"invitations":[)";
  for (int i = 0; i < 1001; ++i)
    many += std::string(i ? "," : "") + R"({"email":"m)" + std::to_string(i) +
            R"(@example.org","role":"member"})";
  many += "]}";
  expect_problem(post("/v1/invitations/bulk", many, bearer(admin_a())), 422, "too_many_entries");
  expect_problem(post("/v1/invitations/bulk", R"({"invitations":[]})", bearer(admin_a())), 422);
  expect_problem(post("/v1/invitations/bulk", R"({"invitations":{}})", bearer(admin_a())), 400,
                 "invalid_field_type");
  expect_problem(post("/v1/invitations/bulk", R"({})", bearer(admin_a())), 400, "missing_field");
  expect_problem(post("/v1/invitations/bulk",
                      R"({"invitations":[{"email":"m@example.org","role":"member"}]})", bearer(member_a())),
                 403);
}

TEST_F(InvitationsTest, BulkOfAThousandInOneRequest) {
  const std::string tag = unique("k");
  std::string body = R"({"invitations":[)";
  for (int i = 0; i < 1000; ++i) {
    body += std::string(i ? "," : "") + R"({"email":")" + tag + "-" + std::to_string(i) +
            R"(@example.org","role":"member"})";
  }
  body += "]}";
  auto r = post("/v1/invitations/bulk", body, bearer(admin_b()));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  EXPECT_EQ(parse(r.body)["created"].GetInt(), 1000);
  EXPECT_EQ(admin_query("select count(*) from tenantd.invitations where email like '" + tag + "-%'")[0][0],
            "1000");
}

TEST_F(InvitationsTest, ConcurrentInvitesAndAcceptsDecideOnce) {
  // the same address invited 8 times at once: one invitation
  const std::string email = unique("race") + "@example.org";
  std::vector<int> statuses(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      statuses[i] =
          post("/v1/invitations", R"({"email":")" + email + R"(","role":"member"})", bearer(admin_a()))
              .status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 7);
  // one token accepted 8 times at once: one membership
  auto inv = invite(unique("race2") + "@example.org");
  threads.clear();
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = post("/v1/invitations/accept", R"({"token":")" + str(inv, "token") + R"("})").status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 410), 7);
  EXPECT_EQ(
      admin_query(
          "select count(*) from tenantd.audit_log where action = 'invitation.accepted' and target_id = '" +
          str(inv, "id") + "'")[0][0],
      "1");
}

// Every new tenant-scoped route: A's admin aimed at B by path id, path slug, header and Host.
TEST_F(InvitationsTest, CrossTenantMatrix) {
  auto b_inv = invite(unique("b-secret") + "@example.org", "member", admin_b());
  const std::string bid = str(b_inv, "id");
  struct RouteCase {
    std::string method, suffix, body;
  };
  const std::vector<RouteCase> routes = {
      {"GET", "/invitations", ""},
      {"GET", "/invitations/" + bid, ""},
      {"POST", "/invitations", R"({"email":"intruder@example.org","role":"member"})"},
      {"POST", "/invitations/" + bid + "/revoke", ""},
      {"POST", "/invitations/bulk", R"({"invitations":[{"email":"intruder@example.org","role":"member"}]})"},
  };
  int checked = 0;
  for (const auto& rc : routes) {
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> attempts;
    const auto auth = bearer(admin_a());
    attempts.push_back({"/v1/tenants/" + b_->id + rc.suffix, auth});
    attempts.push_back({"/v1/tenants/" + b_->slug + rc.suffix, auth});
    auto h = auth;
    h["X-Tenant-Id"] = b_->id;
    attempts.push_back({"/v1" + rc.suffix, h});
    h["X-Tenant-Id"] = b_->slug;
    attempts.push_back({"/v1" + rc.suffix, h});
    auto host = auth;
    host["Host"] = b_->slug + ".example.test";
    attempts.push_back({"/v1" + rc.suffix, host});
    for (auto& [path, headers] : attempts) {
      HttpResponse r = rc.method == "POST" ? post(path, rc.body, headers) : get(path, headers);
      EXPECT_TRUE(r.status == 403 || r.status == 404)
          << rc.method << " " << path << " -> " << r.status << " " << r.body;
      EXPECT_EQ(r.body.find("b-secret"), std::string::npos) << path;
      for (const auto& e : b_->emails) EXPECT_EQ(r.body.find(e), std::string::npos) << path;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 25);
  // A's own routes with B's invitation id: not found, and B's invitation is untouched
  expect_problem(get("/v1/invitations/" + bid, bearer(admin_a())), 404, "invitation_not_found");
  expect_problem(post("/v1/invitations/" + bid + "/revoke", "", bearer(admin_a())), 404,
                 "invitation_not_found");
  EXPECT_EQ(admin_query("select status from tenantd.invitations where id = '" + bid + "'")[0][0], "pending");
  EXPECT_EQ(
      admin_query("select count(*) from tenantd.invitations where email = 'intruder@example.org'")[0][0],
      "0");
  // B's admin path works for B
  EXPECT_EQ(get("/v1/tenants/" + b_->slug + "/invitations/" + bid, bearer(admin_b())).status, 200);
}

class AuthTest : public LifecycleBase {
 protected:
  // A user of `s` with a known password; returns its email.
  static std::string user_with_password(const Seed& s, const std::string& password,
                                        const std::string& role = "member") {
    return member_with_password(s, password, role).second;
  }
  static HttpResponse login(const std::string& tenant, const std::string& email,
                            const std::string& password) {
    return post("/v1/auth/token", R"({"tenant":")" + tenant + R"(","email":")" + email + R"(","password":")" +
                                      password + R"("})");
  }
  static HttpResponse refresh(const std::string& rt) {
    return post("/v1/auth/refresh", R"({"refresh_token":")" + rt + R"("})");
  }
};

TEST_F(AuthTest, LoginIssuesTokensThatTheServiceAccepts) {
  const std::string email = user_with_password(*a_, "pass-word-1", "tenant_admin");
  auto r = login(a_->slug, email, "pass-word-1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  auto d = parse(r.body);
  EXPECT_EQ(str(d, "token_type"), "Bearer");
  EXPECT_EQ(d["expires_in"].GetInt(), 900);
  const std::string at = str(d, "access_token"), rt = str(d, "refresh_token");
  EXPECT_EQ(rt.size(), 80u);
  EXPECT_EQ(rt.substr(0, 36), a_->id);
  // The service's own verifier accepts it, with the membership's claims.
  auth::VerifierConfig vc;
  vc.hs256_secret = kTestSecret;
  auth::JwtVerifier v(vc);
  const auto claims = v.verify(at, static_cast<int64_t>(std::time(nullptr)));
  EXPECT_EQ(claims.tenant_id.value_or(""), a_->id);
  EXPECT_EQ(claims.role, "tenant_admin");
  ASSERT_TRUE(claims.exp && claims.iat);
  EXPECT_EQ(*claims.exp - *claims.iat, 900);
  auto me = get("/v1/me", bearer(at));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(parse(me.body), "tenant_id"), a_->id);
  EXPECT_EQ(str(parse(me.body)["user"], "email"), email);
  // and it may act as what it is: a tenant_admin lists invitations
  EXPECT_EQ(get("/v1/invitations", bearer(at)).status, 200);
  // by tenant id, email in another case
  std::string upper = email;
  for (auto& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(login(a_->id, upper, "pass-word-1").status, 200);
  // the refresh token is stored only as its hash
  EXPECT_EQ(admin_query("select count(*) from tenantd.sessions where refresh_token_hash = decode('" +
                        util::sha256_hex(rt) + "', 'hex')")[0][0],
            "1");
  EXPECT_EQ(
      admin_query("select count(*) from tenantd.audit_log where action = 'auth.login' and tenant_id = '" +
                  a_->id + "'")[0][0] != "0",
      true);
}

TEST_F(AuthTest, WrongPasswordUnknownEmailAndUnknownTenantAnswerAlike) {
  const std::string email = user_with_password(*a_, "pass-word-2");
  auto wrong = login(a_->slug, email, "nope-nope");
  auto unknown = login(a_->slug, "ghost-" + util::new_uuid().substr(0, 6) + "@example.org", "nope-nope");
  auto no_tenant = login("no-such-tenant-zz", email, "nope-nope");
  auto other_tenant = login(b_->slug, email, "pass-word-2");       // right password, not a member of B
  auto no_password = login(a_->slug, a_->emails[1], "anything1");  // a user without a password
  for (const auto* r : {&wrong, &unknown, &no_tenant, &other_tenant, &no_password}) {
    expect_problem(*r, 401, "invalid_credentials");
    EXPECT_EQ(str(parse(r->body), "detail"), str(parse(wrong.body), "detail"));
    EXPECT_EQ(r->header("www-authenticate"), wrong.header("www-authenticate"));
  }
  expect_problem(post("/v1/auth/token", R"({"tenant":"x","email":"y@example.org"})"), 400, "missing_field");
  expect_problem(post("/v1/auth/token", R"({"tenant":"x","email":"y@example.org","password":1})"), 400,
                 "invalid_field_type");
  expect_problem(post("/v1/auth/token", R"({"tenant":)"), 400, "malformed_json");
}

TEST_F(AuthTest, FiveFailuresLockTheAccountWithRetryAfter) {
  const std::string email = user_with_password(*a_, "pass-word-3");
  for (int i = 0; i < 5; ++i)
    expect_problem(login(a_->slug, email, "wrong-" + std::to_string(i)), 401, "invalid_credentials");
  auto locked = login(a_->slug, email, "pass-word-3");  // even the right password
  expect_problem(locked, 429, "too_many_attempts");
  const std::string ra = locked.header("retry-after");
  ASSERT_FALSE(ra.empty());
  EXPECT_GE(std::stoi(ra), 850);
  EXPECT_LE(std::stoi(ra), 900);
  // other accounts of the tenant, and the same email in another tenant, are not locked
  const std::string other = user_with_password(*a_, "pass-word-4");
  EXPECT_EQ(login(a_->slug, other, "pass-word-4").status, 200);
  // unknown emails lock the same way (no enumeration through the lockout)
  const std::string ghost = "ghost-" + util::new_uuid().substr(0, 6) + "@example.org";
  for (int i = 0; i < 5; ++i) expect_problem(login(a_->slug, ghost, "x"), 401, "invalid_credentials");
  expect_problem(login(a_->slug, ghost, "x"), 429, "too_many_attempts");
  // the window passes (failures moved back 16 minutes by admin SQL): unlocked
  admin_exec("update tenantd.login_attempts set at = at - interval '16 minutes' where email = lower('" +
             email + "')");
  EXPECT_EQ(login(a_->slug, email, "pass-word-3").status, 200);
}

TEST_F(AuthTest, RefreshRotatesAndReuseRevokesTheFamily) {
  const std::string email = user_with_password(*a_, "pass-word-5");
  auto l = login(a_->slug, email, "pass-word-5");
  ASSERT_EQ(l.status, 200) << l.body;
  const std::string rt1 = str(parse(l.body), "refresh_token");
  auto r2 = refresh(rt1);
  ASSERT_EQ(r2.status, 200) << r2.body;
  const std::string rt2 = str(parse(r2.body), "refresh_token");
  EXPECT_NE(rt1, rt2);
  EXPECT_EQ(get("/v1/me", bearer(str(parse(r2.body), "access_token"))).status, 200);
  auto r3 = refresh(rt2);
  ASSERT_EQ(r3.status, 200) << r3.body;
  const std::string rt3 = str(parse(r3.body), "refresh_token");
  // rt1 again: reuse → 401, and the whole family dies (rt3, the newest, too)
  expect_problem(refresh(rt1), 401, "refresh_token_reused");
  expect_problem(refresh(rt3), 401, "invalid_refresh_token");
  auto fam = admin_query(
      "select count(*), count(*) filter (where revoked_at is null), "
      "count(*) filter (where revoked_reason = 'reuse_detected') from tenantd.sessions "
      "where family_id = (select family_id from tenantd.sessions where refresh_token_hash = decode('" +
      util::sha256_hex(rt1) + "', 'hex'))");
  EXPECT_EQ(fam[0][0], "3");
  EXPECT_EQ(fam[0][1], "0");
  EXPECT_EQ(fam[0][2], "1");
  // garbage and cross-tenant: A's token with B's id in front is not found in B
  expect_problem(refresh("not-a-token"), 401, "invalid_refresh_token");
  auto l2 = login(a_->slug, email, "pass-word-5");
  ASSERT_EQ(l2.status, 200);
  const std::string live = str(parse(l2.body), "refresh_token");
  expect_problem(refresh(b_->id + live.substr(36)), 401, "invalid_refresh_token");
  EXPECT_EQ(refresh(live).status, 200);  // the forgery did not hurt the real one
  expect_problem(post("/v1/auth/refresh", R"({})"), 400, "missing_field");
}

TEST_F(AuthTest, LogoutRevokes) {
  const std::string email = user_with_password(*b_, "pass-word-6");
  auto l = login(b_->slug, email, "pass-word-6");
  ASSERT_EQ(l.status, 200) << l.body;
  const std::string rt = str(parse(l.body), "refresh_token");
  auto out = post("/v1/auth/logout", R"({"refresh_token":")" + rt + R"("})");
  EXPECT_EQ(out.status, 204) << out.body;
  expect_problem(refresh(rt), 401, "invalid_refresh_token");
  EXPECT_EQ(post("/v1/auth/logout", R"({"refresh_token":")" + rt + R"("})").status, 204);  // idempotent
  EXPECT_EQ(post("/v1/auth/logout", R"({"refresh_token":"garbage"})").status, 204);
  expect_problem(post("/v1/auth/logout", R"({})"), 400, "missing_field");
  EXPECT_EQ(admin_query("select revoked_reason from tenantd.sessions where refresh_token_hash = decode('" +
                        util::sha256_hex(rt) + "', 'hex')")[0][0],
            "logout");
}

TEST_F(AuthTest, DisabledUsersAndSuspendedTenantsCannotLogIn) {
  const std::string email = user_with_password(*a_, "pass-word-7");
  admin_exec("update tenantd.users set disabled = true where email = '" + email + "'");
  expect_problem(login(a_->slug, email, "pass-word-7"), 403, "user_disabled");
  expect_problem(login(a_->slug, email, "wrong-pass"), 401,
                 "invalid_credentials");  // no hint without the password
  // a suspended tenant (own seed, so the other tests keep an active one)
  Seed s = seed_tenant("inv-susp", 1);
  const std::string e2 = user_with_password(s, "pass-word-8");
  auto ok = login(s.slug, e2, "pass-word-8");
  ASSERT_EQ(ok.status, 200) << ok.body;
  admin_exec("update tenantd.tenants set status = 'suspended' where id = '" + s.id + "'");
  expect_problem(login(s.slug, e2, "pass-word-8"), 403, "tenant_suspended");
  expect_problem(refresh(str(parse(ok.body), "refresh_token")), 403, "tenant_suspended");
  admin_exec("update tenantd.tenants set deleted_at = now() where id = '" + s.id + "'");
  expect_problem(login(s.slug, e2, "pass-word-8"), 401, "invalid_credentials");
}

}  // namespace
}  // namespace tenantd::test
