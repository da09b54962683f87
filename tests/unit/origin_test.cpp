// Allowed origins: what PUT /v1/allowed-origins and CORS_ALLOWED_ORIGINS accept (normalised to
// the Origin header a browser sends) and refuse (with a reason); which Origin headers can match at
// all. And the CORS decision (http/cors.hpp): platform origins, a tenant's origins only for the
// tenant the request names, the cache, fail closed. Table-driven.
#include "util/origin.hpp"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "http/cors.hpp"
#include "util/config.hpp"

namespace tenantd {
namespace {

struct Accepted {
  const char* in;
  const char* out;
};

TEST(OriginNormalise, NormalisesWhatItAccepts) {
  const Accepted cases[] = {
      {"https://app.example.com", "https://app.example.com"},
      {"HTTPS://App.Example.COM", "https://app.example.com"},  // scheme and host lower case
      {"https://app.example.com:8443", "https://app.example.com:8443"},
      {"https://app.example.com:443", "https://app.example.com"},    // default port dropped
      {"http://localhost:80", "http://localhost"},                   // default port dropped
      {"http://localhost:5173", "http://localhost:5173"},            // loopback: http allowed
      {"http://acme.localhost:3000", "http://acme.localhost:3000"},  // *.localhost is loopback
      {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
      {"http://[::1]:8080", "http://[::1]:8080"},
      {"https://localhost", "https://localhost"},
      {"https://bücher.example", "https://xn--bcher-kva.example"},  // IDNA, as browsers send it
      {"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
      {"https://203.0.113.7", "https://203.0.113.7"},  // an IPv4 address over https
      {"https://a-b.c-d.example.co.uk:1", "https://a-b.c-d.example.co.uk:1"},
      {"https://shop.example:65535", "https://shop.example:65535"},
  };
  for (const auto& c : cases) {
    const auto r = util::normalize_origin(c.in);
    EXPECT_TRUE(r.ok()) << c.in << ": " << r.error;
    EXPECT_EQ(r.origin, c.out) << c.in;
  }
}

struct Refused {
  std::string in;
  const char* reason_has;
};

TEST(OriginNormalise, RefusesWithAReason) {
  const Refused cases[] = {
      {"", "empty"},
      {"app.example.com", "scheme://host"},  // no scheme
      {"ftp://app.example.com", "https"},    // other scheme
      {"ws://localhost", "https"},
      {"http://app.example.com", "localhost"},     // http off loopback
      {"http://127.0.0.2", "localhost"},           // only 127.0.0.1
      {"http://localhost.evil.com", "localhost"},  // not under .localhost
      {"https://app.example.com/", "trailing slash"},
      {"https://app.example.com/path", "no path"},
      {"https://app.example.com?x=1", "no path"},
      {"https://app.example.com#f", "no path"},
      {"https://app.example.com\\", "no path"},
      {"https://user@app.example.com", "user"},
      {"https://*.example.com", "wildcard"},
      {"*", "wildcard"},
      {"null", "null"},
      {"NULL", "null"},
      {"https://app.example.com.", "trailing dot"},
      {"https://app..example.com", "DNS name"},
      {"https://-app.example.com", "DNS name"},
      {"https://app_1.example.com", "DNS name"},
      {"https://" + std::string(64, 'a') + ".example.com", "DNS name"},
      {"https://app.example.com:0", "port"},
      {"https://app.example.com:65536", "port"},
      {"https://app.example.com:080", "port"},
      {"https://app.example.com:", "port is empty"},
      {"https://app.example.com:x", "port"},
      {"https://[::1]:8443", "IPv6"},  // https IPv6
      {"http://[2001:db8::1]", "IPv6"},
      {"http://[::1", "IPv6"},
      {"https://::1", "brackets"},
      {"https://01.2.3.4", "IPv4"},  // not a browser's serialisation
      {"https://1.2.3", "IPv4"},
      {"https://256.1.1.1", "IPv4"},
      {"https://app.example.com ", "spaces"},
      {"https://app\texample.com", "spaces"},
      {"https://", "no host"},
      {"https://" + std::string(300, 'a'), "300"},
  };
  for (const auto& c : cases) {
    const auto r = util::normalize_origin(c.in);
    EXPECT_FALSE(r.ok()) << c.in << " was accepted as " << r.origin;
    EXPECT_NE(r.error.find(c.reason_has), std::string::npos) << c.in << ": " << r.error;
  }
}

TEST(OriginNormalise, OnlyTheCanonicalFormMatchesAnOriginHeader) {
  EXPECT_TRUE(util::is_canonical_origin("https://app.example.com"));
  EXPECT_TRUE(util::is_canonical_origin("http://localhost:5173"));
  for (const char* o : {"https://App.example.com", "https://app.example.com:443", "https://app.example.com/",
                        "null", "https://bücher.example", "", "https://app.example.com\r\nX: y"}) {
    EXPECT_FALSE(util::is_canonical_origin(o)) << o;
  }
}

// ---- the CORS decision --------------------------------------------------------------------

// A lookup standing in for tenantd.allowed_origin (the database's answer is tested in pgTAP 77
// and the integration tests): tenant → its origins, with a count of calls.
struct FakeTenants {
  std::map<std::string, std::vector<std::string>> origins;
  int calls = 0;
  bool fail = false;
  Cors::Lookup lookup() {
    return [this](const std::string& ref, const std::string& origin) {
      ++calls;
      if (fail) throw std::runtime_error("database unavailable");
      auto it = origins.find(ref);
      if (it == origins.end()) return false;
      return std::find(it->second.begin(), it->second.end(), origin) != it->second.end();
    };
  }
};

TEST(CorsDecision, TenantOriginsOpenOnlyTheirTenant) {
  FakeTenants t;
  t.origins["acme"] = {"https://app.acme.test"};
  t.origins["globex"] = {"https://app.globex.test"};
  Cors cors({}, 30, t.lookup());
  EXPECT_TRUE(cors.allowed("https://app.acme.test", {"acme"}));
  // attack: another tenant's origin does not open this tenant, nor does naming no tenant
  EXPECT_FALSE(cors.allowed("https://app.globex.test", {"acme"}));
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {}));
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {"globex"}));
  // both references must allow (path and Host naming two tenants)
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {"acme", "globex"}));
  // a malformed reference allows nothing
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {"acme", ""}));
  // a non-canonical Origin header is never looked up
  const int before = t.calls;
  EXPECT_FALSE(cors.allowed("https://APP.acme.test", {"acme"}));
  EXPECT_FALSE(cors.allowed("null", {"acme"}));
  EXPECT_EQ(t.calls, before);
}

TEST(CorsDecision, PlatformOriginsOpenEveryRouteWithoutALookup) {
  FakeTenants t;
  Cors cors({"https://dashboard.tenantd.test"}, 30, t.lookup());
  EXPECT_TRUE(cors.allowed("https://dashboard.tenantd.test", {}));
  EXPECT_TRUE(cors.allowed("https://dashboard.tenantd.test", {"acme"}));
  EXPECT_EQ(t.calls, 0);
  EXPECT_FALSE(cors.allowed("https://other.tenantd.test", {}));
}

TEST(CorsDecision, AnswersAreKeptForTheTtlThenAskedAgain) {
  FakeTenants t;
  t.origins["acme"] = {"https://app.acme.test"};
  Cors cors({}, 30, t.lookup());
  const auto t0 = Cors::Clock::now();
  EXPECT_TRUE(cors.allowed("https://app.acme.test", {"acme"}, t0));
  EXPECT_FALSE(cors.allowed("https://evil.test", {"acme"}, t0));
  EXPECT_EQ(t.calls, 2);
  t.origins["acme"] = {"https://evil.test"};  // the tenant changes its list
  EXPECT_TRUE(cors.allowed("https://app.acme.test", {"acme"}, t0 + std::chrono::seconds(29)));
  EXPECT_FALSE(cors.allowed("https://evil.test", {"acme"}, t0 + std::chrono::seconds(29)));
  EXPECT_EQ(t.calls, 2) << "within the TTL both answers come from the cache";
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {"acme"}, t0 + std::chrono::seconds(31)));
  EXPECT_TRUE(cors.allowed("https://evil.test", {"acme"}, t0 + std::chrono::seconds(31)));
  EXPECT_EQ(t.calls, 4);
}

TEST(CorsDecision, AFailedLookupIsNotAllowedAndNotKept) {
  FakeTenants t;
  t.origins["acme"] = {"https://app.acme.test"};
  t.fail = true;
  Cors cors({}, 30, t.lookup());
  const auto t0 = Cors::Clock::now();
  EXPECT_FALSE(cors.allowed("https://app.acme.test", {"acme"}, t0));
  t.fail = false;
  EXPECT_TRUE(cors.allowed("https://app.acme.test", {"acme"}, t0));
  EXPECT_EQ(t.calls, 2);
}

TEST(CorsDecision, TheCacheIsBounded) {
  FakeTenants t;
  Cors cors({}, 30, t.lookup(), 100);
  const auto t0 = Cors::Clock::now();
  for (int i = 0; i < 1000; ++i) cors.allowed("https://o" + std::to_string(i) + ".test", {"acme"}, t0);
  EXPECT_LE(cors.cached_entries(), 100u);
}

TEST(CorsDecision, RequestRefsComeFromThePathAndTheHost) {
  using V = std::vector<std::string>;
  const std::string tenant = "acme";
  const std::string host_sub = "acme.tenantd.test:8080", host_api = "api.tenantd.test",
                    host_custom = "shop.acme.org";
  EXPECT_EQ(Cors::request_refs(&tenant, &host_api, "tenantd.test", true, {}), V{"acme"});
  EXPECT_EQ(Cors::request_refs(nullptr, &host_sub, "tenantd.test", true, {}), V{"acme"});
  EXPECT_EQ(Cors::request_refs(nullptr, &host_custom, "tenantd.test", true, {}), V{"shop.acme.org"});
  EXPECT_EQ(Cors::request_refs(nullptr, &host_api, "tenantd.test", true, {}), V{});
  EXPECT_EQ(Cors::request_refs(&tenant, &host_sub, "tenantd.test", true, {}), (V{"acme", "acme"}));
  const std::string bad = "Not A Slug!";
  EXPECT_EQ(Cors::request_refs(&bad, nullptr, "tenantd.test", true, {}), V{""});
}

TEST(CorsConfig, PlatformOriginsAreNormalisedAndAMalformedOneStopsStartUp) {
  std::map<std::string, std::string> env{
      {"CORS_ALLOWED_ORIGINS", " https://Dash.tenantd.test:443 ,, http://localhost:5173"}};
  const util::Config c = util::load_config(&env);
  EXPECT_EQ(c.cors_allowed_origins,
            (std::vector<std::string>{"https://dash.tenantd.test", "http://localhost:5173"}));
  EXPECT_EQ(c.cors_max_age_seconds, 600);
  EXPECT_EQ(c.cors_cache_seconds, 30);
  for (const char* bad :
       {"https://*.tenantd.test", "https://dash.tenantd.test/", "http://dash.tenantd.test", "null"}) {
    std::map<std::string, std::string> e{{"CORS_ALLOWED_ORIGINS", bad}};
    try {
      util::load_config(&e);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const util::ConfigError& err) {
      EXPECT_NE(std::string(err.what()).find("CORS_ALLOWED_ORIGINS"), std::string::npos) << err.what();
    }
  }
  std::map<std::string, std::string> e{{"CORS_MAX_AGE_SECONDS", "-1"}};
  EXPECT_THROW(util::load_config(&e), util::ConfigError);
}

}  // namespace
}  // namespace tenantd
