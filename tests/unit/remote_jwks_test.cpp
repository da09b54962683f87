// JWT_JWKS_URL's pure parts: how long a fetched JWKS is kept (Cache-Control max-age), and that only
// https:// URLs are accepted. The fetching itself is tested against a real HTTPS server in
// tests/integration/jwks_url_pgtest.cpp.
#include "auth/remote_jwks.hpp"

#include <gtest/gtest.h>

namespace tenantd::auth {
namespace {

TEST(RemoteJwks, MaxAgeFromCacheControl) {
  struct Case {
    const char* header;
    std::optional<int64_t> max_age;
  };
  const Case cases[] = {
      {"public, max-age=300", 300},    {" max-age=0", 0},          {"MAX-AGE=42, must-revalidate", 42},
      {"public,max-age = 7", 7},       {"max-age=\"60\"", 60},     {"s-maxage=100", std::nullopt},
      {"s-max-age=100", std::nullopt}, {"no-cache", std::nullopt}, {"max-age=", std::nullopt},
      {"max-age=abc", std::nullopt},   {"", std::nullopt},         {"s-max-age=5, max-age=9", 9},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(cache_control_max_age(c.header), c.max_age) << c.header;
  }
}

TEST(RemoteJwks, OnlyHttps) {
  for (const char* url : {"http://idp.example/jwks.json", "file:///etc/passwd", "", "HTTPS//x"}) {
    RemoteJwksOptions o;
    o.url = url;
    EXPECT_THROW(RemoteJwks{o}, std::runtime_error) << url;
  }
  RemoteJwksOptions ok;
  ok.url = "https://idp.example/.well-known/jwks.json";
  RemoteJwks r(ok);  // constructing does not fetch
  EXPECT_TRUE(r.keys()->empty());
}

}  // namespace
}  // namespace tenantd::auth
