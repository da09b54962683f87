// POST /v1/webhooks/identity over real HTTP against real PostgreSQL, with real `tenantd worker`
// processes applying the events: signatures (both header spellings), redeliveries, concurrent
// deliveries, every event type, failures and retries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <thread>

#include "auth/webhook_signature.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

// The Standard Webhooks specification's example secret, and a second one (rotation).
const std::string kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kOtherSecret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
const std::string kUnknownSecret = "whsec_bm90LXRoZS1jb25maWd1cmVkLXNlY3JldA==";

std::string key_of(const std::string& secret) {
  return auth::parse_webhook_secrets(secret).at(0);
}
std::string now_ts(int64_t offset = 0) {
  return std::to_string(static_cast<int64_t>(std::time(nullptr)) + offset);
}
struct Delivery {
  Delivery(std::string id_, std::string body_, std::string spelling_ = "webhook",
           std::string secret_ = kSpecSecret, std::string ts_ = "", std::string signature_ = "",
           std::string sent_body_ = "")
      : id(std::move(id_)),
        body(std::move(body_)),
        spelling(std::move(spelling_)),
        secret(std::move(secret_)),
        ts(std::move(ts_)),
        signature(std::move(signature_)),
        sent_body(std::move(sent_body_)) {}
  std::string id, body;
  std::string spelling;  // "webhook" or "svix"
  std::string secret;
  std::string ts;         // empty: now
  std::string signature;  // empty: computed over id, ts and body
  std::string sent_body;  // empty: body (else sent instead of the signed body)
};

HttpResponse deliver(int port, const Delivery& d) {
  const std::string ts = d.ts.empty() ? now_ts() : d.ts;
  const std::string sig =
      d.signature.empty() ? auth::sign_webhook(key_of(d.secret), d.id, ts, d.body) : d.signature;
  std::map<std::string, std::string> h = {{"Content-Type", "application/json"},
                                          {d.spelling + "-id", d.id},
                                          {d.spelling + "-timestamp", ts},
                                          {d.spelling + "-signature", sig}};
  return http_request(port, "POST", "/v1/webhooks/identity", h, d.sent_body.empty() ? d.body : d.sent_body);
}

std::string event_status(const std::string& id) {
  return q1("select status from tenantd.webhook_events where id = '" + id + "'");
}
bool completed(const std::string& id) {
  return event_status(id) == "completed";
}

// `tenantd worker` as a separate process (as jobs_pgtest does).
class Worker {
 public:
  explicit Worker(int threads = 2) {
    log_ = source_dir() + "/var/webhooks-worker-" + uniq() + ".log";
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = freopen(log_.c_str(), "w", stdout);
      (void)f;
      dup2(1, 2);
      setenv("DATABASE_URL", app_url().c_str(), 1);
      setenv("WORKER_DATABASE_URL", worker_url().c_str(), 1);
      setenv("WORKERS", std::to_string(threads).c_str(), 1);
      setenv("JOB_POLL_MS", "200", 1);
      setenv("JOB_BACKOFF_BASE_MS", "300", 1);
      const std::string bin = tenantd_binary();
      execl(bin.c_str(), bin.c_str(), "worker", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Worker() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    unlink(log_.c_str());
  }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

class WebhooksTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TenantdProcess(
        {{"JWT_HS256_SECRET", kTestSecret}, {"WEBHOOK_SECRET", kOtherSecret + " " + kSpecSecret}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  int port() const { return server_->port(); }
  static TenantdProcess* server_;
};
TenantdProcess* WebhooksTest::server_ = nullptr;

std::string org_created(const std::string& org, const std::string& name, const std::string& slug) {
  return R"({"type":"organization.created","object":"event","data":{"id":")" + org + R"(","name":")" + name +
         R"(","slug":")" + slug + R"(","object":"organization"}})";
}

TEST_F(WebhooksTest, SignatureCases) {
  // a type tenantd does not handle: accepted deliveries are recorded and acknowledged, no job
  const std::string body = R"({"type":"test.signature","data":{"id":"sig_)" + uniq() + R"("}})";
  const std::string now = now_ts();
  const std::string good = auth::sign_webhook(key_of(kSpecSecret), "msg_sig_x", now, body);
  struct Case {
    const char* name;
    Delivery d;
    int status;
    const char* code;
  };
  const std::string p = "msg_sig_" + uniq() + "_";
  std::vector<Case> cases = {
      // the specification's example: its id, body and secret, with a current timestamp
      {"spec vector, current timestamp",
       {"msg_p5jXN8AQM9LWM0D4loKWxJek", R"({"test": 2432232314})"},
       400,
       "invalid_event"},
      {"spec vector, its own (old) timestamp",
       {"msg_p5jXN8AQM9LWM0D4loKWxJek", R"({"test": 2432232314})", "webhook", kSpecSecret, "1614265330",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
       401,
       "timestamp_out_of_tolerance"},
      {"valid, webhook- headers", {p + "ok1", body}, 200, nullptr},
      {"valid, svix- headers", {p + "ok2", body, "svix"}, 200, nullptr},
      {"valid, the other configured secret", {p + "ok3", body, "webhook", kOtherSecret}, 200, nullptr},
      {"wrong secret", {p + "bad1", body, "webhook", kUnknownSecret}, 401, "bad_signature"},
      {"wrong secret, svix", {p + "bad2", body, "svix", kUnknownSecret}, 401, "bad_signature"},
      {"tampered body",
       {p + "bad3", body, "webhook", kSpecSecret, "", "",
        R"({"type":"test.signature","data":{"id":"sig_zzzzzzzz"}})"},
       401,
       "bad_signature"},
      {"old timestamp",
       {p + "bad4", body, "webhook", kSpecSecret, now_ts(-400)},
       401,
       "timestamp_out_of_tolerance"},
      {"future timestamp",
       {p + "bad5", body, "svix", kSpecSecret, now_ts(400)},
       401,
       "timestamp_out_of_tolerance"},
      {"signature for another id",
       {p + "bad6", body, "webhook", kSpecSecret, now, good},
       401,
       "bad_signature"},
      {"several signatures, one valid",
       {p + "ok4", body, "webhook", kSpecSecret, now,
        "v1,bm9wZQ== " + auth::sign_webhook(key_of(kSpecSecret), p + "ok4", now, body) + " v2,abc"},
       200,
       nullptr},
      {"several signatures, none valid",
       {p + "bad7", body, "webhook", kSpecSecret, now, "v1,bm9wZQ== v1,YWJj"},
       401,
       "bad_signature"},
      {"non-numeric timestamp",
       {p + "bad8", body, "webhook", kSpecSecret, "yesterday"},
       401,
       "bad_timestamp"},
  };
  for (const auto& c : cases) {
    auto res = deliver(port(), c.d);
    EXPECT_EQ(res.status, c.status) << c.name << ": " << res.body;
    if (c.code) {
      EXPECT_NE(res.header("content-type").find("application/problem+json"), std::string::npos) << c.name;
      EXPECT_NE(res.body.find(std::string("\"code\":\"") + c.code + "\""), std::string::npos)
          << c.name << ": " << res.body;
    }
    const std::string recorded =
        q1("select count(*) from tenantd.webhook_events where id = '" + c.d.id + "'");
    if (c.status == 200) {
      EXPECT_EQ(recorded, "1") << c.name;
    } else if (c.d.id.rfind(p, 0) == 0) {
      EXPECT_EQ(recorded, "0") << c.name << ": a refused delivery records nothing";
    }
  }
  // no headers at all
  auto res =
      http_request(port(), "POST", "/v1/webhooks/identity", {{"Content-Type", "application/json"}}, body);
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.body.find("\"code\":\"missing_header\""), std::string::npos) << res.body;
}

TEST_F(WebhooksTest, RedeliveryIsAcknowledgedAndDoesNothing) {
  const std::string id = "msg_redeliver_" + uniq();
  const Delivery d{id, org_created("org_redeliver_" + uniq(), "Redeliver", "")};
  auto first = deliver(port(), d);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_NE(first.body.find("\"duplicate\":false"), std::string::npos);
  Delivery again = d;
  again.spelling = "svix";
  auto second = deliver(port(), again);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_NE(second.body.find("\"duplicate\":true"), std::string::npos);
  EXPECT_EQ(q1("select count(*) from tenantd.webhook_events where id = '" + id + "'"), "1");
  EXPECT_EQ(
      q1("select count(*) from tenantd.jobs where kind = 'webhook.process' and payload->>'event_id' = '" +
         id + "'"),
      "1");
}

TEST_F(WebhooksTest, UnknownTypeIsRecordedAndAcknowledged) {
  const std::string id = "msg_unknown_" + uniq();
  auto res = deliver(port(), {id, R"({"type":"session.created","data":{"id":"sess_1"}})"});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(event_status(id), "completed");
  EXPECT_EQ(q1("select count(*) from tenantd.jobs where payload->>'event_id' = '" + id + "'"), "0");
}

TEST_F(WebhooksTest, FiftyConcurrentDeliveriesOfOneIdMakeOneTenant) {
  const std::string id = "msg_conc_" + uniq();
  const std::string org = "org_conc_" + uniq();
  const Delivery d{id, org_created(org, "Concurrent One", "")};
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      Delivery mine = d;
      if (i % 2) mine.spelling = "svix";
      if (deliver(port(), mine).status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(q1("select count(*) from tenantd.webhook_events where id = '" + id + "'"), "1");
  EXPECT_EQ(
      q1("select count(*) from tenantd.jobs where kind = 'webhook.process' and payload->>'event_id' = '" +
         id + "'"),
      "1");
  Worker w(4);
  ASSERT_TRUE(wait_for([&] { return completed(id); })) << event_status(id);
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where external_id = '" + org + "'"), "1");
}

TEST_F(WebhooksTest, FiftyDifferentIdsForOneOrganizationMakeOneTenant) {
  const std::string org = "org_many_" + uniq();
  const std::string prefix = "msg_many_" + uniq() + "_";
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      if (deliver(port(), {prefix + std::to_string(i), org_created(org, "Many Ids", "")}).status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  {
    // two worker processes, four threads each: the events race for the organization
    Worker a(4), b(4);
    ASSERT_TRUE(wait_for([&] {
      return q1("select count(*) from tenantd.webhook_events where id like '" + prefix +
                "%' and status = 'completed'") == "50";
    }));
  }
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where external_id = '" + org + "'"), "1");
}

TEST_F(WebhooksTest, EveryEventTypeIsAppliedByAWorker) {
  const std::string s = uniq();
  const std::string org = "org_all_" + s, ua = "user_all_a_" + s, ub = "user_all_b_" + s;
  const std::string slug = "wh-all-" + s;
  Worker w(2);
  int n = 0;
  auto send = [&](const std::string& body) {
    const std::string id = "msg_all_" + s + "_" + std::to_string(++n);
    auto res = deliver(port(), {id, body});
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_TRUE(wait_for([&] { return completed(id); }))
        << body << " → " << event_status(id) << " "
        << q1("select last_error from tenantd.webhook_events where id = '" + id + "'");
  };
  auto user = [&](const std::string& type, const std::string& uid, const std::string& email,
                  const std::string& first) {
    return R"({"type":")" + type + R"(","data":{"id":")" + uid + R"(","first_name":")" + first +
           R"(","last_name":"Test","primary_email_address_id":"idn_p","email_addresses":[{"id":"idn_x","email_address":"x-)" +
           email + R"("},{"id":"idn_p","email_address":")" + email +
           R"(","verification":{"status":"verified"}}]}})";
  };
  auto membership = [&](const std::string& type, const std::string& uid, const std::string& role) {
    return R"({"type":")" + type + R"(","data":{"role":")" + role + R"(","organization":{"id":")" + org +
           R"("},"public_user_data":{"user_id":")" + uid + R"("}}})";
  };
  const std::string ea = "ada-" + s + "@wh.example", eb = "bob-" + s + "@wh.example";
  send(user("user.created", ua, ea, "Ada"));
  send(user("user.created", ub, eb, "Bob"));
  send(org_created(org, "All Events", slug));
  const std::string tenant = q1("select id from tenantd.tenants where external_id = '" + org + "'");
  ASSERT_FALSE(tenant.empty());
  EXPECT_EQ(q1("select slug from tenantd.tenants where id = '" + tenant + "'"), slug);
  // memberships wait (retrying) until the provisioning job has given the tenant its roles
  send(membership("organizationMembership.created", ua, "org:admin"));
  send(membership("organizationMembership.created", ub, "org:member"));
  send(membership("organizationMembership.updated", ub, "org:admin"));
  auto role_of = [&](const std::string& uid) {
    return q1(
        "select m.role from tenantd.memberships m join tenantd.users u on u.id = m.user_id where m.tenant_id "
        "= '" +
        tenant + "' and u.external_id = '" + uid + "'");
  };
  EXPECT_EQ(role_of(ua), "tenant_admin");
  EXPECT_EQ(role_of(ub), "tenant_admin");
  send(R"({"type":"organization.updated","data":{"id":")" + org +
       R"(","name":"All Events Renamed","slug":")" + slug + R"("}})");
  EXPECT_EQ(q1("select name from tenantd.tenants where id = '" + tenant + "'"), "All Events Renamed");
  send(user("user.updated", ua, "ada2-" + s + "@wh.example", "Ada"));
  EXPECT_EQ(q1("select email from tenantd.users where external_id = '" + ua + "'"),
            "ada2-" + s + "@wh.example");
  send(membership("organizationMembership.deleted", ub, "org:admin"));
  EXPECT_EQ(role_of(ub), "");
  send(R"({"type":"user.deleted","data":{"id":")" + ub + R"(","deleted":true,"object":"user"}})");
  // unlinked, not disabled: the provider ends only what it created
  EXPECT_EQ(
      q1("select disabled::text || coalesce(external_id, '-') from tenantd.users where email = '" + eb + "'"),
      "false-");
  send(R"({"type":"organization.deleted","data":{"id":")" + org +
       R"(","deleted":true,"object":"organization"}})");
  EXPECT_EQ(q1("select deleted_at is not null from tenantd.tenants where id = '" + tenant + "'"), "t");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where external_id = '" + org + "'"), "1");
}

TEST_F(WebhooksTest, FailedEventIsRecordedAndRetried) {
  const std::string s = uniq();
  const std::string org = "org_retry_" + s, uid = "user_retry_" + s;
  Worker w(2);
  const std::string uev = "msg_retry_u_" + s, mev = "msg_retry_m_" + s, oev = "msg_retry_o_" + s;
  ASSERT_EQ(deliver(port(), {uev, R"({"type":"user.created","data":{"id":")" + uid +
                                      R"(","primary_email_address_id":"e","email_addresses":[{"id":"e",)"
                                      R"("verification":{"status":"verified"},"email_address":"retry-)" +
                                      s + R"(@wh.example"}]}})"})
                .status,
            200);
  ASSERT_TRUE(wait_for([&] { return completed(uev); }));
  // the membership arrives before its organization: the attempt fails and is recorded
  ASSERT_EQ(
      deliver(
          port(),
          {mev,
           R"({"type":"organizationMembership.created","data":{"role":"org:admin","organization":{"id":")" +
               org + R"("},"public_user_data":{"user_id":")" + uid + R"("}}})"})
          .status,
      200);
  ASSERT_TRUE(wait_for([&] { return event_status(mev) == "failed"; })) << event_status(mev);
  EXPECT_NE(q1("select last_error from tenantd.webhook_events where id = '" + mev + "'")
                .find("unknown_organization"),
            std::string::npos);
  EXPECT_GE(std::stoi(q1("select attempts from tenantd.webhook_events where id = '" + mev + "'")), 1);
  // then the organization: a retry of the membership event succeeds
  ASSERT_EQ(deliver(port(), {oev, org_created(org, "Retry Org", "")}).status, 200);
  ASSERT_TRUE(wait_for([&] { return completed(mev); }, 30000))
      << event_status(mev) << " "
      << q1("select last_error from tenantd.webhook_events where id = '" + mev + "'");
  EXPECT_GE(std::stoi(q1("select attempts from tenantd.webhook_events where id = '" + mev + "'")), 2);
  EXPECT_EQ(q1("select m.role from tenantd.memberships m join tenantd.tenants t on t.id = m.tenant_id "
               "where t.external_id = '" +
               org + "'"),
            "tenant_admin");
}

// The attacks on identity linking: a provider account that only claims a victim's address must
// not take over the victim's identity, and deleting a provider user must not lock the identity
// out of the tenants that provider never managed.
TEST_F(WebhooksTest, UnverifiedEmailsLinkNothingAndUserDeletedEndsOnlyTheProvidersMemberships) {
  const std::string s = uniq();
  Seed victim_tenant = seed_tenant("wh-victim", 2);
  const std::string victim = victim_tenant.emails[1], victim_id = victim_tenant.user_ids[1];
  const std::string mallory = "user_mallory_" + s, real = "user_real_" + s;
  Worker w(2);
  int n = 0;
  auto send = [&](const std::string& body) {
    const std::string id = "msg_link_" + s + "_" + std::to_string(++n);
    ASSERT_EQ(deliver(port(), {id, body}).status, 200);
    ASSERT_TRUE(wait_for([&] { return completed(id); }))
        << body << " → " << event_status(id) << " "
        << q1("select last_error from tenantd.webhook_events where id = '" + id + "'");
  };
  auto created = [&](const std::string& uid, const std::string& status) {
    return R"({"type":"user.created","data":{"id":")" + uid +
           R"(","primary_email_address_id":"e1","email_addresses":[{"id":"e1","email_address":")" + victim +
           R"(","verification":{"status":")" + status + R"("}}]}})";
  };
  auto external_id = [&] {
    return q1("select coalesce(external_id, '-') from tenantd.users where id = '" + victim_id + "'");
  };

  send(created(mallory, "unverified"));
  EXPECT_EQ(external_id(), "-") << "an unverified address linked the victim's identity";
  send(created(real, "verified"));
  EXPECT_EQ(external_id(), real);

  send(R"({"type":"user.deleted","data":{"id":")" + real + R"(","deleted":true,"object":"user"}})");
  EXPECT_EQ(external_id(), "-");
  EXPECT_EQ(q1("select disabled from tenantd.users where id = '" + victim_id + "'"), "f");
  EXPECT_EQ(q1("select count(*) from tenantd.memberships where user_id = '" + victim_id +
               "' and tenant_id = '" + victim_tenant.id + "' and not disabled"),
            "1")
      << "user.deleted took away a membership the provider did not create";
}

}  // namespace
}  // namespace tenantd::test
