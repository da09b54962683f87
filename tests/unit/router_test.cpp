#include "http/router.hpp"

#include <gtest/gtest.h>

#include "util/percent_encoding.hpp"

namespace tenantd {
namespace {

Response ok(RequestContext&) {
  return {200, "{}"};
}

TEST(Router, MatchesBothSpellingsOfTenantRoutes) {
  Router r;
  r.add_tenant("GET", "/users/{id}", ok);
  auto m1 = r.match("GET", "/v1/users/42");
  ASSERT_NE(m1.route, nullptr);
  EXPECT_EQ(m1.params.at("id"), "42");
  auto m2 = r.match("GET", "/v1/tenants/acme/users/42");
  ASSERT_NE(m2.route, nullptr);
  EXPECT_EQ(m2.params.at("tenant"), "acme");
  EXPECT_EQ(m2.params.at("id"), "42");
}

TEST(Router, UnknownPathAndWrongMethod) {
  Router r;
  r.add("GET", "/v1/me", Scope::kAuthenticated, ok);
  r.add("POST", "/v1/things", Scope::kTenant, ok);
  r.add("GET", "/v1/things", Scope::kTenant, ok);
  EXPECT_EQ(r.match("GET", "/v1/nope").route, nullptr);
  EXPECT_TRUE(r.match("GET", "/v1/nope").allowed.empty());
  auto m = r.match("DELETE", "/v1/things");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"POST", "GET"}));
  EXPECT_EQ(r.match("GET", "/v1/me/").route, nullptr);
  EXPECT_EQ(r.match("GET", "//v1/me").route, nullptr);
  EXPECT_EQ(r.match("GET", "").route, nullptr);
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router r;
  r.add("GET", "/v1/tenants/{tenant}", Scope::kTenant, ok);
  r.add("GET", "/v1/tenants/stats", Scope::kAuthenticated, ok);
  auto m = r.match("GET", "/v1/tenants/stats");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/tenants/stats");
  EXPECT_EQ(r.match("GET", "/v1/tenants/acme").route->pattern, "/v1/tenants/{tenant}");
}

TEST(Router, PercentDecodeIsStrict) {
  const std::pair<const char*, std::optional<std::string>> cases[] = {
      {"plain", "plain"},
      {"a%20b", "a b"},
      {"a+b", "a+b"},  // '+' is only a space in HTML forms
      {"%2B00:00", "+00:00"},
      {"%41%6a", "Aj"},
      {"%", std::nullopt},
      {"%4", std::nullopt},
      {"a%zz", std::nullopt},
      {"a%4g", std::nullopt},
      {"%%41", std::nullopt},
      {"%00", std::string(1, '\0')},  // decoded; the caller refuses NUL
      {"%ff", std::string(1, '\xff')},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(util::percent_decode(in), want) << in;
}

TEST(Router, ParametersArriveDecodedAndABadEscapeIsReported) {
  Router r;
  r.add_tenant("GET", "/users/{id}", ok);
  auto m = r.match("GET", "/v1/users/a%2Fb");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "a/b");
  EXPECT_TRUE(m.bad_param.empty());
  auto bad = r.match("GET", "/v1/tenants/ac%zzme/users/1");
  ASSERT_NE(bad.route, nullptr);
  EXPECT_EQ(bad.bad_param, "tenant");
  EXPECT_EQ(bad.params.count("tenant"), 0u);
}

}  // namespace
}  // namespace tenantd
