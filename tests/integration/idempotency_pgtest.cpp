// Idempotency-Key on creates, over real HTTP: replay, reuse with another body, in-progress,
// malformed keys, concurrency, expiry.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class IdempotencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("idem", 1));
    server_ = new TenantdProcess(
        {{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}, {"DB_POOL_SIZE", "8"}, {"HTTP_THREADS", "8"}});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
  }
  static std::map<std::string, std::string> admin_headers(const std::string& key) {
    std::map<std::string, std::string> h{
        {"Authorization", "Bearer " + mint_token(a_->user_ids[0], a_->id, "tenant_admin")},
        {"Content-Type", "application/json"}};
    if (!key.empty()) h["Idempotency-Key"] = key;
    return h;
  }
  static HttpResponse create_user(const std::string& key, const std::string& email) {
    return http_request(server_->port(), "POST", "/v1/users", admin_headers(key),
                        R"({"email":")" + email + R"(","role":"member"})");
  }
  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
};

TEST_F(IdempotencyTest, RepeatReplaysTheFirstAnswer) {
  const std::string key = "key-" + util::new_uuid();
  const std::string email = "idem-" + util::new_uuid().substr(0, 8) + "@example.org";
  auto first = create_user(key, email);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  auto again = create_user(key, email);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(admin_query("select count(*) from tenantd.users where email = '" + email + "'")[0][0], "1");
  EXPECT_EQ(
      admin_query("select count(*) from tenantd.audit_log a join tenantd.users u on a.target_id = u.id::text "
                  "where u.email = '" +
                  email + "' and a.action = 'member.created'")[0][0],
      "1");
  // Without a key the same body is a new request (and conflicts).
  EXPECT_EQ(create_user("", email).status, 409);
}

TEST_F(IdempotencyTest, SameKeyWithAnotherBodyIs422) {
  const std::string key = "key-" + util::new_uuid();
  ASSERT_EQ(create_user(key, "one-" + util::new_uuid().substr(0, 8) + "@example.org").status, 201);
  auto other = create_user(key, "two-" + util::new_uuid().substr(0, 8) + "@example.org");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_NE(other.body.find("idempotency_key_reused"), std::string::npos) << other.body;
}

TEST_F(IdempotencyTest, MalformedKeysAre400) {
  for (const std::string& key :
       {std::string(256, 'k'), std::string("caf\xc3\xa9"), std::string("tab\there")}) {
    auto r = create_user(key, "bad-" + util::new_uuid().substr(0, 8) + "@example.org");
    EXPECT_EQ(r.status, 400) << key << " " << r.body;
    EXPECT_NE(r.body.find("invalid_idempotency_key"), std::string::npos);
  }
  auto h = admin_headers("");
  h["Idempotency-Key"] = "\"\"";  // an empty structured-field string
  auto r =
      http_request(server_->port(), "POST", "/v1/users", h, R"({"email":"e@example.org","role":"member"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(
      create_user(std::string(255, 'k') + "", "ok-" + util::new_uuid().substr(0, 8) + "@example.org").status,
      201);
}

TEST_F(IdempotencyTest, RepeatWhileTheFirstRunsIs409) {
  const std::string key = "key-" + util::new_uuid();
  const std::string email = "slow-" + util::new_uuid().substr(0, 8) + "@example.org";
  pqxx::connection locker(admin_url());
  pqxx::work lock_tx(locker);
  lock_tx.exec("lock table tenantd.memberships in exclusive mode");
  auto first = std::async(std::launch::async, [&] { return create_user(key, email); });
  // Bounded wait until the first request holds its key and waits for the lock.
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = admin_query(
                  "select count(*) from pg_stat_activity where usename = 'tenantd_app' and wait_event_type = "
                  "'Lock'")[0][0] != "0";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(waiting);
  auto second = create_user(key, email);
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_NE(second.body.find("idempotency_in_progress"), std::string::npos) << second.body;
  lock_tx.abort();
  auto done = first.get();
  EXPECT_EQ(done.status, 201) << done.body;
  auto third = create_user(key, email);
  EXPECT_EQ(third.status, 201);
  EXPECT_EQ(third.header("idempotent-replayed"), "true");
}

TEST_F(IdempotencyTest, ConcurrentCreatesWithOneKeyMakeOneTenant) {
  const std::string key = "key-" + util::new_uuid();
  const std::string slug = "idem-conc-" + util::new_uuid().substr(0, 8);
  const auto sa = std::map<std::string, std::string>{
      {"Authorization", "Bearer " + mint_token("ops", std::nullopt, "super_admin")},
      {"Content-Type", "application/json"},
      {"Idempotency-Key", key}};
  std::vector<std::future<HttpResponse>> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return http_request(server_->port(), "POST", "/v1/tenants", sa,
                          R"({"name":"Idem Co","slug":")" + slug + R"(","plan":"free"})");
    }));
  }
  std::set<std::string> bodies;
  int created = 0, in_progress = 0;
  for (auto& c : calls) {
    auto r = c.get();
    if (r.status == 202) {  // POST /v1/tenants answers 202: provisioning is a job (issue 5)
      ++created;
      bodies.insert(r.body);
    } else if (r.status == 409 && r.body.find("idempotency_in_progress") != std::string::npos) {
      ++in_progress;
    } else {
      ADD_FAILURE() << r.status << " " << r.body;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(created + in_progress, 20);
  EXPECT_EQ(bodies.size(), 1u);  // every 202 names the same tenant
  EXPECT_EQ(admin_query("select count(*) from tenantd.tenants where slug = '" + slug + "'")[0][0], "1");
}

TEST_F(IdempotencyTest, KeysAreScopedToTheCaller) {
  const std::string key = "shared-" + util::new_uuid();
  const Seed other = seed_tenant("idem-other", 1);
  ASSERT_EQ(create_user(key, "scope1-" + util::new_uuid().substr(0, 8) + "@example.org").status, 201);
  auto r = http_request(
      server_->port(), "POST", "/v1/users",
      {{"Authorization", "Bearer " + mint_token(other.user_ids[0], other.id, "tenant_admin")},
       {"Content-Type", "application/json"},
       {"Idempotency-Key", key}},
      R"({"email":"scope2-)" + util::new_uuid().substr(0, 8) + R"(@example.org","role":"member"})");
  EXPECT_EQ(r.status, 201) << r.body;  // not a 422: another caller's key is not ours
  EXPECT_EQ(r.header("idempotent-replayed"), "");
}

TEST_F(IdempotencyTest, ExpiredKeysAreReusableAndSwept) {
  const std::string key = "old-" + util::new_uuid();
  ASSERT_EQ(create_user(key, "exp1-" + util::new_uuid().substr(0, 8) + "@example.org").status, 201);
  admin_exec(
      "update tenantd.idempotency_keys set expires_at = now() - interval '1 minute' where key = "
      "encode(sha256(convert_to('" +
      key + "', 'UTF8')), 'hex')");
  auto reuse = create_user(key, "exp2-" + util::new_uuid().substr(0, 8) + "@example.org");
  EXPECT_EQ(reuse.status, 201) << reuse.body;
  EXPECT_EQ(reuse.header("idempotent-replayed"), "");
  admin_exec(
      "update tenantd.idempotency_keys set expires_at = now() - interval '1 minute' where key = "
      "encode(sha256(convert_to('" +
      key + "', 'UTF8')), 'hex')");
  pqxx::connection worker(worker_url());
  pqxx::nontransaction wtx(worker);
  EXPECT_GE(wtx.exec("select tenantd.sweep_idempotency_keys()")[0][0].as<int>(), 1);
  pqxx::connection app(app_url());
  pqxx::nontransaction tx(app);
  EXPECT_EQ(
      admin_query("select count(*) from tenantd.idempotency_keys where key = encode(sha256(convert_to('" +
                  key + "', 'UTF8')), 'hex')")[0][0],
      "0");
  // The app role cannot read stored answers directly.
  EXPECT_THROW(tx.exec("select * from tenantd.idempotency_keys"), pqxx::insufficient_privilege);
}

}  // namespace
}  // namespace tenantd::test

namespace tenantd::test {
namespace {

// Every other create takes the key too: roles, and invitations one by one or in bulk, whose
// replays never carry a usable token (the stored answer holds none).
TEST(IdempotencyCreatesTest, RolesAndInvitationsReplayWithoutTokens) {
  const Seed a = seed_tenant("idem-more", 1);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  auto headers = [&](const std::string& key) {
    return std::map<std::string, std::string>{
        {"Authorization", "Bearer " + mint_token(a.user_ids[0], a.id, "tenant_admin")},
        {"Content-Type", "application/json"},
        {"Idempotency-Key", key}};
  };
  const std::string rk = "role-" + util::new_uuid();
  const std::string role_body = R"({"name":"support_agent","permissions":["members:read"]})";
  auto r1 = http_request(server.port(), "POST", "/v1/roles", headers(rk), role_body);
  ASSERT_EQ(r1.status, 201) << r1.body;
  auto r2 = http_request(server.port(), "POST", "/v1/roles", headers(rk), role_body);
  EXPECT_EQ(r2.status, 201) << r2.body;
  EXPECT_EQ(r2.header("idempotent-replayed"), "true");
  EXPECT_EQ(r2.body, r1.body);

  const std::string ik = "inv-" + util::new_uuid();
  const std::string inv_body = R"({"email":"solo@example.org","role":"member"})";
  auto i1 = http_request(server.port(), "POST", "/v1/invitations", headers(ik), inv_body);
  ASSERT_EQ(i1.status, 201) << i1.body;
  EXPECT_NE(i1.body.find("\"token\":\""), std::string::npos);
  auto i2 = http_request(server.port(), "POST", "/v1/invitations", headers(ik), inv_body);
  EXPECT_EQ(i2.status, 201) << i2.body;
  EXPECT_EQ(i2.header("idempotent-replayed"), "true");
  EXPECT_NE(i2.body.find("\"token\":null"), std::string::npos) << i2.body;

  const std::string bk = "bulk-" + util::new_uuid();
  const std::string bulk_body =
      R"({"invitations":[{"email":"b1@example.org","role":"member"},{"email":"b2@example.org","role":"member"}]})";
  auto b1 = http_request(server.port(), "POST", "/v1/invitations/bulk", headers(bk), bulk_body);
  ASSERT_EQ(b1.status, 200) << b1.body;
  EXPECT_NE(b1.body.find("\"token\":\""), std::string::npos);
  auto b2 = http_request(server.port(), "POST", "/v1/invitations/bulk", headers(bk), bulk_body);
  EXPECT_EQ(b2.status, 200) << b2.body;
  EXPECT_EQ(b2.header("idempotent-replayed"), "true");
  EXPECT_EQ(b2.body.find("\"token\":\""), std::string::npos) << b2.body;
  EXPECT_EQ(admin_query("select count(*) from tenantd.invitations where tenant_id = '" + a.id + "'")[0][0],
            "3");
  EXPECT_EQ(admin_query("select count(*) from tenantd.roles where tenant_id = '" + a.id +
                        "' and name = 'support_agent'")[0][0],
            "1");
  // No stored answer holds a token.
  EXPECT_EQ(
      admin_query("select count(*) from tenantd.idempotency_keys where key in (encode(sha256(convert_to('" +
                  ik + "', 'UTF8')), 'hex'), encode(sha256(convert_to('" + bk +
                  "', 'UTF8')), 'hex')) and response_body like '%\"token\":\"%'")[0][0],
      "0");
}

}  // namespace
}  // namespace tenantd::test
