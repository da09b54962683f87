// Live events over real HTTP from a real tenantd, fed by LISTEN/NOTIFY in a real PostgreSQL:
// GET /v1/admin/events (operators) and GET /v1/tenant-status/{id}/events (public). Events
// arrive, a sign-up is watched from pending to active, a reconnect with Last-Event-ID gets what
// it missed, a public stream never carries another tenant's event, heartbeats, the stream bound,
// and a client that leaves does not take the server down.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "sse_client.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = util::new_uuid().substr(0, 8);
    ops_ = "events-ops-" + tag_;
    // No workers in the server: the tests start one when they want provisioning to happen, so a
    // stream can be open before it does.
    server_ = new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                  {"WORKERS", "0"},
                                  {"EVENT_HEARTBEAT_SECONDS", "1"},
                                  {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                                  {"LOG_LEVEL", "warn"}});
    a_ = new Seed(seed_tenant("eva" + tag_, 2));
    b_ = new Seed(seed_tenant("evb" + tag_, 2));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete a_;
    delete b_;
  }
  static std::string ops() { return mint_token(ops_, std::nullopt, "super_admin"); }
  static HttpResponse req(const std::string& method, const std::string& path, Headers h = {},
                          const std::string& body = "") {
    if (!body.empty() && !h.count("Content-Type")) h["Content-Type"] = "application/json";
    return http_request(server_->port(), method, path, h, body);
  }
  static std::unique_ptr<SseClient> stream(const std::string& target, Headers h = {}) {
    return std::make_unique<SseClient>(server_->port(), target, h);
  }
  static void lifecycle(const std::string& tenant, const std::string& action) {
    auto r = req("POST", "/v1/tenants/" + tenant + "/" + action, bearer(ops()),
                 action == "suspend" ? R"({"reason":"events test"})" : "");
    ASSERT_EQ(r.status, 200) << action << " " << r.body;
  }
  static std::string status_of(const SseEvent& e) { return str(parse(e.data), "status"); }
  // an operator stream resumed with Last-Event-ID `after`: the statuses of `tenant` it replays
  // before 'ready' (empty and a failure when 'ready' never comes)
  static std::vector<std::string> replayed_statuses(const std::string& after, const std::string& tenant) {
    auto s = stream("/v1/admin/events", {{"Authorization", "Bearer " + ops()}, {"Last-Event-ID", after}});
    EXPECT_EQ(s->status(), 200);
    std::vector<std::string> statuses;
    SseEvent e;
    const bool ready = s->wait_for_event(
        [&](const SseEvent& x) {
          if (x.event == "tenant.status" && str(parse(x.data), "tenant_id") == tenant)
            statuses.push_back(str(parse(x.data)["data"], "status"));
          return x.event == "ready";
        },
        e);
    EXPECT_TRUE(ready) << "the resumed stream never said ready";
    for (const auto& x : s->skipped()) EXPECT_GT(std::stoll(x.id), std::stoll(after));
    return statuses;
  }

  static inline std::string tag_, ops_;
  static inline TenantdProcess* server_ = nullptr;
  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
};

TEST_F(EventsTest, OperatorStreamCarriesTenantStatusAndJobEvents) {
  auto s = stream("/v1/admin/events", bearer(ops()));
  ASSERT_EQ(s->status(), 200) << s->body();
  EXPECT_EQ(s->header("content-type").rfind("text/event-stream", 0), 0u);
  EXPECT_EQ(s->header("cache-control"), "no-store");
  SseEvent e;
  ASSERT_TRUE(s->wait_for_event([](const SseEvent& x) { return x.event == "ready"; }, e));

  auto c =
      req("POST", "/v1/tenants", bearer(ops()), R"({"slug":"evc)" + tag_ + R"(","name":"C","plan":"free"})");
  ASSERT_EQ(c.status, 202) << c.body;
  const std::string id = str(parse(c.body), "id");
  // the tenant's creation, then its provisioning job being queued
  ASSERT_TRUE(s->wait_for_event(
      [&](const SseEvent& x) { return x.event == "tenant.status" && str(parse(x.data), "tenant_id") == id; },
      e));
  auto d = parse(e.data);
  EXPECT_FALSE(e.id.empty());
  ASSERT_TRUE(d.HasMember("data") && d["data"].IsObject()) << e.data;
  EXPECT_EQ(str(d["data"], "status"), "pending");
  ASSERT_TRUE(s->wait_for_event(
      [&](const SseEvent& x) { return x.event == "job.state" && str(parse(x.data), "tenant_id") == id; }, e));
  auto j = parse(e.data);
  EXPECT_EQ(str(j["data"], "kind"), "tenant.provision");
  EXPECT_EQ(str(j["data"], "state"), "queued");
  EXPECT_FALSE(j["data"].HasMember("payload")) << "job events carry no payload: " << e.data;
}

TEST_F(EventsTest, OperatorStreamIsForRegisteredOperatorsOnly) {
  auto none = stream("/v1/admin/events");
  EXPECT_EQ(none->status(), 401);
  auto admin = stream("/v1/admin/events", bearer(mint_token(a_->user_ids[0], a_->id, "tenant_admin")));
  EXPECT_EQ(admin->status(), 403) << admin->body();
  EXPECT_EQ(str(parse(admin->body()), "code"), "forbidden");
  auto stranger = stream("/v1/admin/events",
                         bearer(mint_unregistered_token("nobody-" + tag_, std::nullopt, "super_admin")));
  EXPECT_EQ(stranger->status(), 401) << stranger->body();
  EXPECT_EQ(stranger->header("content-type").find("text/event-stream"), std::string::npos);
}

TEST_F(EventsTest, PublicStreamWatchesASignupTurnActive) {
  const std::string slug = "evs" + tag_;
  auto r = req("POST", "/v1/signup", {},
               R"({"organization_name":"Org )" + slug + R"(","slug":")" + slug +
                   R"(","plan":"pro","admin_email":"admin@)" + slug +
                   R"(.example","admin_password":"correct horse battery"})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = str(parse(r.body), "tenant_id");
  auto s = stream("/v1/tenant-status/" + id + "/events");
  ASSERT_EQ(s->status(), 200) << s->body();
  SseEvent e;
  ASSERT_TRUE(s->next(e));
  EXPECT_EQ(e.event, "status");
  EXPECT_EQ(status_of(e), "pending") << e.data;
  // nothing but the public status fields: no slug, name or invitation token
  EXPECT_EQ(e.data.find(slug), std::string::npos) << e.data;
  EXPECT_EQ(e.data.find("admin_invitation_token"), std::string::npos) << e.data;

  const pid_t worker =
      spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "100"}}, source_dir() + "/var/events-worker.log");
  std::vector<std::string> seen{status_of(e)};
  const bool active = s->wait_for_event(
      [&](const SseEvent& x) {
        seen.push_back(status_of(x));
        return status_of(x) == "active" && str(parse(x.data), "provisioning_status") == "completed";
      },
      e);
  stop_process(worker);
  ASSERT_TRUE(active);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "provisioning"), seen.end())
      << "provisioning was shown on the way";
  for (const auto& x : s->skipped()) {
    EXPECT_EQ(x.event, "status");
    EXPECT_EQ(str(parse(x.data), "tenant_id"), id);
  }
}

TEST_F(EventsTest, PublicStreamCarriesNoOtherTenantsEvent) {
  auto s = stream("/v1/tenant-status/" + a_->id + "/events");
  ASSERT_EQ(s->status(), 200);
  SseEvent first;
  ASSERT_TRUE(s->next(first));
  EXPECT_EQ(status_of(first), "active");
  // B changes twice, then A once: A's event arrives after B's were published, so B's were
  // filtered, not late
  lifecycle(b_->id, "suspend");
  lifecycle(b_->id, "activate");
  lifecycle(a_->id, "suspend");
  SseEvent e;
  ASSERT_TRUE(s->wait_for_event([](const SseEvent& x) { return x.event == "status"; }, e));
  EXPECT_EQ(str(parse(e.data), "tenant_id"), a_->id);
  EXPECT_EQ(status_of(e), "suspended");
  EXPECT_TRUE(s->skipped().empty()) << "an event before A's: " << s->skipped().front().data;
  EXPECT_EQ(e.data.find(b_->id), std::string::npos);
  EXPECT_EQ(e.data.find("events test"), std::string::npos) << "no suspension reason on the public stream";
  lifecycle(a_->id, "activate");
  ASSERT_TRUE(s->next(e));
  EXPECT_EQ(status_of(e), "active");
  EXPECT_EQ(str(parse(e.data), "tenant_id"), a_->id);
}

TEST_F(EventsTest, LastEventIdResumesWithWhatWasMissed) {
  auto s = stream("/v1/tenant-status/" + a_->id + "/events");
  SseEvent e;
  ASSERT_TRUE(s->next(e));
  const std::string last = e.id;
  ASSERT_FALSE(last.empty()) << "the snapshot carries an id to resume from";
  s->close();
  lifecycle(a_->id, "suspend");
  lifecycle(a_->id, "activate");

  auto again = stream("/v1/tenant-status/" + a_->id + "/events", {{"Last-Event-ID", last}});
  ASSERT_EQ(again->status(), 200);
  std::vector<std::string> statuses;
  std::string snapshot_id;
  for (int i = 0; i < 3 && again->next(e); ++i) {
    EXPECT_GT(std::stoll(e.id), std::stoll(last));
    statuses.push_back(status_of(e));
    snapshot_id = e.id;
  }
  ASSERT_EQ(statuses, (std::vector<std::string>{"suspended", "active", "active"}))
      << "the two missed changes, then the current status";

  // the operator stream resumes the same way, every kind
  EXPECT_EQ(replayed_statuses(last, a_->id), (std::vector<std::string>{"suspended", "active"}));
}

// An operator stream that drops before any event came: its 'ready' carried the id it started
// from, so the reconnect replays the change made while the client was away (without that id
// the client had no Last-Event-ID to send and the change was lost to its view).
TEST_F(EventsTest, AnOperatorStreamThatDropsBeforeItsFirstEventMissesNothing) {
  auto s = stream("/v1/admin/events", bearer(ops()));
  ASSERT_EQ(s->status(), 200) << s->body();
  SseEvent e;
  ASSERT_TRUE(s->wait_for_event([](const SseEvent& x) { return x.event == "ready"; }, e));
  const std::string from = e.id;
  ASSERT_FALSE(from.empty()) << "the ready event carries the id the stream starts from";
  EXPECT_EQ(std::to_string(parse(e.data)["last_id"].GetInt64()), from);
  s->close();
  lifecycle(a_->id, "suspend");
  lifecycle(a_->id, "activate");

  EXPECT_EQ(replayed_statuses(from, a_->id), (std::vector<std::string>{"suspended", "active"}));
}

TEST_F(EventsTest, HeartbeatsKeepAnIdleStreamOpenAndALeavingClientIsHarmless) {
  {
    auto s = stream("/v1/tenant-status/" + b_->id + "/events");
    SseEvent e;
    ASSERT_TRUE(s->next(e));
    const int before = s->comments();
    // no event comes for this tenant: next() returns only when the bound ends, having counted
    // the heartbeat comments that arrived meanwhile
    EXPECT_FALSE(s->next(e, 2500));
    EXPECT_GE(s->comments() - before, 2) << "a heartbeat comment about every second";
    EXPECT_FALSE(s->ended());
  }  // the client closes with heartbeats still coming
  for (int i = 0; i < 5; ++i) {
    auto s = stream("/v1/tenant-status/" + b_->id + "/events");
    SseEvent e;
    ASSERT_TRUE(s->next(e));
  }
  sleep(3);  // heartbeats to the closed connections: the server must notice, not fail
  EXPECT_EQ(req("GET", "/healthz").status, 200);
  EXPECT_EQ(kill(server_->pid(), 0), 0);
}

TEST_F(EventsTest, AnOperatorRetriesAFailedJobAndTheStreamShowsIt) {
  const std::string job =
      q1("insert into tenantd.jobs (kind, state, attempts, last_error) values "
         "('events.test', 'failed', 5, 'boom') returning id");
  auto s = stream("/v1/admin/events", bearer(ops()));
  SseEvent e;
  ASSERT_TRUE(s->wait_for_event([](const SseEvent& x) { return x.event == "ready"; }, e));
  expect_problem(req("POST", "/v1/admin/jobs/" + job + "/retry",
                     bearer(mint_token(a_->user_ids[0], a_->id, "tenant_admin"))),
                 403, "forbidden");
  auto r = req("POST", "/v1/admin/jobs/" + job + "/retry", bearer(ops()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(parse(r.body), "state"), "queued");
  EXPECT_EQ(q1("select attempts from tenantd.jobs where id = " + job), "0");
  ASSERT_TRUE(s->wait_for_event(
      [&](const SseEvent& x) {
        return x.event == "job.state" && std::to_string(parse(x.data)["data"]["id"].GetInt64()) == job;
      },
      e));
  EXPECT_EQ(str(parse(e.data)["data"], "state"), "queued");
  expect_problem(req("POST", "/v1/admin/jobs/" + job + "/retry", bearer(ops())), 409, "invalid_state");
  expect_problem(req("POST", "/v1/admin/jobs/999999999999/retry", bearer(ops())), 404, "not_found");
  expect_problem(req("POST", "/v1/admin/jobs/x1/retry", bearer(ops())), 404, "not_found");
  admin_exec("delete from tenantd.jobs where id = " + job);
}

TEST_F(EventsTest, RefusalsAreProblems) {
  expect_problem(req("GET", "/v1/tenant-status/" + util::new_uuid() + "/events"), 404, "tenant_not_found");
  expect_problem(req("GET", "/v1/tenant-status/not-a-uuid/events"), 404, "tenant_not_found");
  expect_problem(req("GET", "/v1/tenant-status/" + a_->id + "/events", {{"Last-Event-ID", "12x"}}), 400,
                 "invalid_header");
  expect_problem(
      req("GET", "/v1/admin/events", {{"Authorization", "Bearer " + ops()}, {"Last-Event-ID", "-1"}}), 400,
      "invalid_header");
}

TEST(EventsLimitTest, StreamsBeyondTheBoundAreRefusedUntilOneCloses) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"WORKERS", "0"},
                         {"EVENT_STREAMS_MAX", "2"},
                         {"LOG_LEVEL", "warn"}});
  const Seed s = seed_tenant("evl" + util::new_uuid().substr(0, 8), 1);
  const std::string target = "/v1/tenant-status/" + s.id + "/events";
  auto one = std::make_unique<SseClient>(server.port(), target);
  auto two = std::make_unique<SseClient>(server.port(), target);
  ASSERT_EQ(one->status(), 200);
  ASSERT_EQ(two->status(), 200);
  auto three = http_request(server.port(), "GET", target);
  expect_problem(three, 503, "too_many_streams");
  EXPECT_FALSE(three.header("retry-after").empty());
  one.reset();  // the client leaves; its place frees once the server notices
  EXPECT_TRUE(wait_for([&] { return http_request(server.port(), "GET", target).status == 200; }));
}

}  // namespace
}  // namespace tenantd::test
