// The event hub without a network: who gets which event, in which shape, the opening/live
// hand-over (no event lost or repeated between the replay query and the first live event), the
// stream bound, and the payload parser. The HTTP side is tested for real in events_pgtest.cpp.
#include "http/event_hub.hpp"

#include <gtest/gtest.h>

#include "http/problem.hpp"

namespace tenantd {
namespace {

// Collects what the hub writes; `gone` plays a client that left.
struct Recorder : StreamSink {
  std::string* out;
  bool* gone;
  Recorder(std::string* o, bool* g) : out(o), gone(g) {}
  bool write(const std::string& t) override {
    if (*gone) return false;
    *out += t;
    return true;
  }
  void close() override { *out += "<closed>"; }
  bool alive() override { return !*gone; }
};

LiveEvent ev(long long id, const std::string& tenant, const std::string& kind, const std::string& status) {
  LiveEvent e;
  const std::string payload = R"({"id":)" + std::to_string(id) + R"(,"tenant_id":")" + tenant +
                              R"(","kind":")" + kind + R"(","data":{"status":")" + status +
                              R"("},"at":"2026-01-01T00:00:00Z"})";
  EXPECT_TRUE(LiveEvent::parse(payload, e)) << payload;
  return e;
}

const std::string kA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const std::string kB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

TEST(EventHubTest, PublicStreamGetsOnlyItsTenantsStatusInThePublicShape) {
  EventHub h(10, std::chrono::seconds(15), std::chrono::seconds(240));
  h.set_listening(true);
  std::string out;
  bool gone = false;
  auto s = h.subscribe(kA);
  s->attach(std::make_unique<Recorder>(&out, &gone));
  h.publish(ev(1, kB, "tenant.status", "suspended"));
  h.publish(ev(2, kA, "job.state", "queued"));
  h.publish(ev(3, kA, "domain.status", "verified"));
  h.publish(ev(4, kA, "tenant.status", "active"));
  EXPECT_EQ(out.find(kB), std::string::npos) << out;
  EXPECT_EQ(out.find("queued"), std::string::npos) << out;
  EXPECT_EQ(out.find("verified"), std::string::npos) << out;
  EXPECT_NE(out.find("id: 4\nevent: status\ndata: {\"status\":\"active\"}\n\n"), std::string::npos) << out;
}

TEST(EventHubTest, OperatorStreamGetsEveryEventWhole) {
  EventHub h(10, std::chrono::seconds(15), std::chrono::seconds(240));
  h.set_listening(true);
  std::string out;
  bool gone = false;
  auto s = h.subscribe("");
  s->attach(std::make_unique<Recorder>(&out, &gone));
  h.publish(ev(1, kB, "tenant.status", "suspended"));
  h.publish(ev(2, kA, "job.state", "queued"));
  EXPECT_NE(out.find("id: 1\nevent: tenant.status\ndata: {\"id\":1"), std::string::npos) << out;
  EXPECT_NE(out.find("id: 2\nevent: job.state\n"), std::string::npos) << out;
}

TEST(EventHubTest, EventsDuringTheOpeningAreKeptAndNotRepeated) {
  EventHub h(10, std::chrono::seconds(15), std::chrono::seconds(240));
  h.set_listening(true);
  auto s = h.subscribe(kA);
  // published while the replay query runs: 5 is in the replay, 6 is not
  h.publish(ev(5, kA, "tenant.status", "provisioning"));
  h.publish(ev(6, kA, "tenant.status", "active"));
  s->set_opening("id: 5\nevent: status\ndata: {\"status\":\"provisioning\"}\n\n", 5);
  std::string out;
  bool gone = false;
  s->attach(std::make_unique<Recorder>(&out, &gone));
  h.publish(ev(6, kA, "tenant.status", "active"));  // a duplicate delivery
  h.publish(ev(7, kA, "tenant.status", "suspended"));
  EXPECT_EQ(out.find("id: 5"), out.rfind("id: 5")) << "5 once, from the opening: " << out;
  EXPECT_EQ(out.find("id: 6"), out.rfind("id: 6")) << "6 once: " << out;
  ASSERT_NE(out.find("id: 6"), std::string::npos) << out;
  EXPECT_LT(out.find("id: 5"), out.find("id: 6"));
  EXPECT_LT(out.find("id: 6"), out.find("id: 7"));
  EXPECT_EQ(out.rfind("retry: 3000\n", 0), 0u) << "the opening starts with the reconnect delay";
}

TEST(EventHubTest, TheBoundRefusesAndALeftClientFreesItsPlace) {
  EventHub h(2, std::chrono::seconds(15), std::chrono::seconds(240));
  h.set_listening(true);
  std::string o1, o2;
  bool g1 = false, g2 = false;
  auto s1 = h.subscribe(kA);
  s1->attach(std::make_unique<Recorder>(&o1, &g1));
  auto s2 = h.subscribe("");
  s2->attach(std::make_unique<Recorder>(&o2, &g2));
  try {
    h.subscribe(kA);
    FAIL() << "a third stream was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "too_many_streams");
    EXPECT_EQ(e.status(), 503);
  }
  g1 = true;  // the first client leaves
  EXPECT_NO_THROW(h.subscribe(kA));
  // a subscription dropped before it was attached (its request failed) frees its place too
  EXPECT_LE(h.open_streams(), 2u);
}

TEST(EventHubTest, NotListeningRefusesNewStreamsAndCloseAllEndsThem) {
  EventHub h(2, std::chrono::seconds(15), std::chrono::seconds(240));
  try {
    h.subscribe("");
    FAIL() << "a stream opened without a listener";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "events_unavailable");
  }
  h.set_listening(true);
  std::string out;
  bool gone = false;
  auto s = h.subscribe("");
  s->attach(std::make_unique<Recorder>(&out, &gone));
  h.close_all();
  EXPECT_NE(out.find("<closed>"), std::string::npos);
  EXPECT_EQ(h.open_streams(), 0u);
}

TEST(EventHubTest, PayloadParserAndFrames) {
  LiveEvent e;
  for (const char* bad :
       {"", "not json", "[]", R"({"id":"1","kind":"k","data":{}})", R"({"id":1,"kind":"k"})",
        R"({"id":0,"kind":"k","data":{}})", R"({"id":1,"kind":"k","data":[]})"}) {
    EXPECT_FALSE(LiveEvent::parse(bad, e)) << bad;
  }
  EXPECT_TRUE(LiveEvent::parse(R"({"id":9,"tenant_id":null,"kind":"job.state","data":{}})", e));
  EXPECT_EQ(e.tenant_id, "");
  EXPECT_EQ(sse_frame(3, "status", "a\nb"), "id: 3\nevent: status\ndata: a\ndata: b\n\n");
  EXPECT_EQ(sse_frame(0, "", "x"), "data: x\n\n");
}

}  // namespace
}  // namespace tenantd
