// The client address behind per-client limits and public Idempotency-Key scopes, and the
// limiter itself: table-driven, each case the spoof or the overload it stops.
#include "http/client_address.hpp"

#include <gtest/gtest.h>

#include "http/rate_limit.hpp"
#include "util/config.hpp"

namespace tenantd {
namespace {

struct Case {
  const char* name;
  const char* peer;
  const char* xff;  // nullptr: no header
  const char* trusted;
  const char* expected;
};

TEST(ClientAddress, TableOfPeersAndForwardedHeaders) {
  const Case cases[] = {
      // The attack: a client that is not a trusted proxy names any address it likes.
      {"spoofed XFF from an untrusted peer is ignored", "203.0.113.7", "198.51.100.1", "10.0.0.0/8",
       "203.0.113.7"},
      {"spoofed XFF with no trusted proxies configured", "203.0.113.7", "198.51.100.1", "", "203.0.113.7"},
      {"spoofed IPv6 XFF from an untrusted IPv6 peer", "2001:db8::7", "2001:db8::1", "10.0.0.0/8",
       "2001:db8::7"},
      {"no header from a trusted proxy: the proxy", "10.0.0.5", nullptr, "10.0.0.0/8", "10.0.0.5"},
      {"trusted proxy: its entry", "10.0.0.5", "198.51.100.1", "10.0.0.0/8", "198.51.100.1"},
      // The client prepends a fake hop; the proxy appends the real one: the right-most untrusted wins.
      {"client-prepended entries are skipped", "10.0.0.5", "1.1.1.1, 198.51.100.1", "10.0.0.0/8",
       "198.51.100.1"},
      {"a chain of trusted proxies is walked", "10.0.0.5", "1.1.1.1, 198.51.100.1, 10.0.0.9", "10.0.0.0/8",
       "198.51.100.1"},
      {"a client claiming to be a trusted proxy gains nothing", "10.0.0.5", "10.0.0.66, 198.51.100.1",
       "10.0.0.0/8", "198.51.100.1"},
      {"all hops trusted: the left-most", "10.0.0.5", "10.0.0.7, 10.0.0.8", "10.0.0.0/8", "10.0.0.7"},
      {"IPv6 proxy network", "fd00::1", "2001:db8::42", "fd00::/8", "2001:db8::42"},
      {"mixed list, IPv4 client through an IPv6 proxy", "fd00::1", "192.0.2.10", "10.0.0.0/8 fd00::/8",
       "192.0.2.10"},
      {"IPv4-mapped peer counts as IPv4", "::ffff:10.0.0.5", "192.0.2.10", "10.0.0.0/8", "192.0.2.10"},
      {"entries with ports and brackets", "10.0.0.5", "[2001:db8::5]:443, 192.0.2.1:8080", "10.0.0.0/8",
       "192.0.2.1"},
      {"bracketed IPv6 without port", "10.0.0.5", "[2001:db8::5]", "10.0.0.0/8", "2001:db8::5"},
      {"canonical form of the answer", "10.0.0.5", "2001:DB8:0:0::5", "10.0.0.0/8", "2001:db8::5"},
      // Malformed entries end the walk at the trusted hop that reported them: never an address the
      // client chose.
      {"malformed right-most entry: the proxy", "10.0.0.5", "198.51.100.1, not-an-ip", "10.0.0.0/8",
       "10.0.0.5"},
      {"malformed behind a trusted hop: that hop", "10.0.0.5", "198.51.100.1, garbage, 10.0.0.9",
       "10.0.0.0/8", "10.0.0.9"},
      {"empty header", "10.0.0.5", "", "10.0.0.0/8", "10.0.0.5"},
      {"empty entries", "10.0.0.5", " , ,", "10.0.0.0/8", "10.0.0.5"},
      {"zone ids are refused", "10.0.0.5", "fe80::1%eth0", "10.0.0.0/8", "10.0.0.5"},
      {"overlong entry", "10.0.0.5", "1111111111111111111111111111111111111111111111111111111111111111111",
       "10.0.0.0/8", "10.0.0.5"},
      {"bracketed IPv4 is not a spelling", "10.0.0.5", "[192.0.2.1]", "10.0.0.0/8", "10.0.0.5"},
      {"port without digits", "10.0.0.5", "192.0.2.1:", "10.0.0.0/8", "10.0.0.5"},
      {"single trusted host", "127.0.0.1", "192.0.2.77", "127.0.0.1", "192.0.2.77"},
      {"prefix boundary: outside", "10.0.1.5", "192.0.2.77", "10.0.0.0/24", "10.0.1.5"},
  };
  for (const auto& c : cases) {
    const auto trusted = parse_cidr_list(c.trusted);
    std::string xff = c.xff ? c.xff : "";
    EXPECT_EQ(client_address(c.peer, c.xff ? &xff : nullptr, trusted), c.expected) << c.name;
  }
}

TEST(ClientAddress, ManyHopsAreBounded) {
  std::string xff = "192.0.2.1";
  for (int i = 0; i < 1000; ++i) xff += ", 10.0.0.1";
  const auto trusted = parse_cidr_list("10.0.0.0/8");
  // The walk stops after kMaxForwardedHops trusted entries: still a trusted hop, never the far left.
  EXPECT_EQ(client_address("10.0.0.5", &xff, trusted), "10.0.0.1");
}

TEST(ClientAddress, CidrListsAreValidated) {
  EXPECT_EQ(parse_cidr_list("").size(), 0u);
  EXPECT_EQ(parse_cidr_list("10.0.0.0/8, 192.168.0.0/16 ::1 fd00::/8,127.0.0.1").size(), 5u);
  for (const char* bad : {"10.0.0.0/33", "fd00::/129", "10.0.0.1/8", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x",
                          "example.com", "10.0.0.0/8/8", "::1/-1"}) {
    EXPECT_THROW(parse_cidr_list(bad), CidrError) << bad;
  }
  // A malformed TRUSTED_PROXIES stops start-up, naming the variable.
  std::map<std::string, std::string> env{{"TRUSTED_PROXIES", "10.0.0.0/8, nonsense"}};
  try {
    util::load_config(&env);
    ADD_FAILURE() << "accepted a malformed TRUSTED_PROXIES";
  } catch (const util::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("TRUSTED_PROXIES"), std::string::npos);
  }
  for (const char* name : {"LOGIN_RATE_PER_MINUTE", "ACCEPT_RATE_PER_MINUTE"}) {
    for (const char* v : {"0", "-1", "ten", "10/m"}) {
      std::map<std::string, std::string> e{{name, v}};
      EXPECT_THROW(util::load_config(&e), util::ConfigError) << name << "=" << v;
    }
  }
  std::map<std::string, std::string> ok{{"LOGIN_RATE_PER_MINUTE", "7"}, {"ACCEPT_RATE_PER_MINUTE", "9"}};
  const auto c = util::load_config(&ok);
  EXPECT_EQ(c.login_rate_per_minute, 7);
  EXPECT_EQ(c.accept_rate_per_minute, 9);
}

TEST(ClientAddress, RateLimitKeysGroupIpv6ByPrefix) {
  EXPECT_EQ(rate_limit_key("192.0.2.1"), "192.0.2.1");
  // One host rotating through its /64 is still one client.
  EXPECT_EQ(rate_limit_key("2001:db8:1:2::1"), rate_limit_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(rate_limit_key("2001:db8:1:2::1"), rate_limit_key("2001:db8:1:3::1"));
}

TEST(RateLimiter, BurstThenRefuseWithRetryAfterThenRefill) {
  RateLimiter limiter(3);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.acquire("a", t0), 0) << i;
  const int retry = limiter.acquire("a", t0);
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 20);  // 3 a minute: one token every 20 s
  EXPECT_EQ(limiter.acquire("b", t0), 0) << "another address has its own budget";
  EXPECT_GT(limiter.acquire("a", t0 + std::chrono::seconds(19)), 0);
  EXPECT_EQ(limiter.acquire("a", t0 + std::chrono::seconds(21)), 0) << "a token came back";
  EXPECT_GT(limiter.acquire("a", t0 + std::chrono::seconds(21)), 0);
}

TEST(RateLimiter, MemoryIsBoundedByEvictingTheLeastRecentlyUsed) {
  RateLimiter limiter(1, 100);
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.acquire("hot", t0), 0);
  for (int i = 0; i < 10000; ++i) {
    limiter.acquire("k" + std::to_string(i), t0);
    if (i % 50 == 0) {
      EXPECT_GT(limiter.acquire("hot", t0), 0);  // keeps "hot" recent, and refused
    }
  }
  EXPECT_LE(limiter.size(), 100u);
  EXPECT_GT(limiter.acquire("hot", t0), 0) << "a recently used key survives a flood of new ones";
}

}  // namespace
}  // namespace tenantd
