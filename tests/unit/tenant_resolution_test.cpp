// Tenant resolution (DESIGN §4) as a table of cases, plus Host parsing.
#include "http/tenant_resolution.hpp"

#include <gtest/gtest.h>

namespace tenantd {
namespace {

const std::string kA = "11111111-1111-4111-8111-111111111111";
const std::string kB = "22222222-2222-4222-8222-222222222222";
using O = std::optional<std::string>;

struct Case {
  const char* name;
  O token;
  bool super_admin;
  O path, header, host;
  bool required;
  int status;  // 0 = accepted
  const char* code;
  std::vector<std::string> refs;
};

TEST(TenantResolution, TableOfCases) {
  const std::vector<Case> cases = {
      {"token only", kA, false, {}, {}, {}, true, 0, "", {kA}},
      {"token and same path", kA, false, kA, {}, {}, true, 0, "", {kA, kA}},
      {"token and other path uuid", kA, false, kB, {}, {}, true, 403, "tenant_mismatch", {}},
      {"token and other header uuid", kA, false, {}, kB, {}, true, 403, "tenant_mismatch", {}},
      {"token and slug path: the database compares", kA, false, O("beta"), {}, {}, true, 0, "", {kA, "beta"}},
      {"token, header and host all passed on in order",
       kA,
       false,
       {},
       O("alpha"),
       O("alpha"),
       true,
       0,
       "",
       {kA, "alpha", "alpha"}},
      {"upper-case uuid is canonicalised",
       O("11111111-1111-4111-8111-11111111111A"),
       false,
       {},
       {},
       {},
       true,
       0,
       "",
       {"11111111-1111-4111-8111-11111111111a"}},
      {"token claim that is no tenant id", O("Org_2abc!"), false, {}, {}, {}, true, 401, "invalid_token", {}},
      {"path that is no tenant reference", kA, false, O("../etc"), {}, {}, true, 404, "tenant_not_found", {}},
      {"header that is no tenant reference",
       kA,
       false,
       {},
       O("a b"),
       {},
       true,
       400,
       "invalid_tenant_header",
       {}},
      {"member without tenant claim", {}, false, {}, {}, {}, true, 403, "tenant_required", {}},
      {"member without claim naming a tenant by header",
       {},
       false,
       {},
       kA,
       {},
       true,
       403,
       "tenant_required",
       {}},
      {"member without claim naming a tenant by path",
       {},
       false,
       kA,
       {},
       {},
       true,
       403,
       "tenant_required",
       {}},
      {"member without claim on a tenant-optional route", {}, false, {}, {}, {}, false, 0, "", {}},
      {"super admin naming nothing", {}, true, {}, {}, {}, true, 403, "tenant_required", {}},
      {"super admin by Host only is not explicit",
       {},
       true,
       {},
       {},
       O("alpha"),
       true,
       403,
       "tenant_required",
       {}},
      {"super admin by path", {}, true, kB, {}, {}, true, 0, "", {kB}},
      {"super admin by header slug", {}, true, {}, O("beta"), {}, true, 0, "", {"beta"}},
      {"super admin path and header disagree", {}, true, kA, kB, {}, true, 403, "tenant_mismatch", {}},
      {"super admin on tenant-optional route", {}, true, {}, {}, {}, false, 0, "", {}},
      {"super admin with a tenant claim is bound to it",
       kA,
       true,
       kB,
       {},
       {},
       true,
       403,
       "tenant_mismatch",
       {}},
  };
  for (const auto& c : cases) {
    ResolutionInput in;
    in.token_tenant = c.token;
    in.super_admin = c.super_admin;
    in.path_tenant = c.path;
    in.header_tenant = c.header;
    in.host_tenant = c.host;
    in.tenant_required = c.required;
    auto r = resolve_tenant(in);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.code, c.code) << c.name;
    if (c.status == 0) {
      EXPECT_EQ(r.refs, c.refs) << c.name;
    }
  }
}

// A Host that may be a custom domain is passed on for the database to resolve, last, and only
// when the Host is not a tenant subdomain; it never names a tenant by itself.
TEST(TenantResolution, CustomDomainHostIsTheLastReference) {
  ResolutionInput in;
  in.token_tenant = kA;
  in.host_domain = "shop.example.org";
  EXPECT_EQ(resolve_tenant(in).refs, (std::vector<std::string>{kA, "shop.example.org"}));
  in.host_tenant = "alpha";
  EXPECT_EQ(resolve_tenant(in).refs, (std::vector<std::string>{kA, "alpha"}));
  ResolutionInput no_token;
  no_token.host_domain = "shop.example.org";
  EXPECT_EQ(resolve_tenant(no_token).code, "tenant_required");
}

TEST(TenantResolution, HostParsing) {
  struct H {
    const char* host;
    O expected;
  };
  const std::vector<H> cases = {
      {"acme.example.com", O("acme")},
      {"ACME.Example.COM", O("acme")},
      {"acme.example.com:8443", O("acme")},
      {"acme.example.com.", O("acme")},
      {"example.com", {}},
      {"a.b.example.com", {}},
      {"acme.example.org", {}},
      {"acme.example.com:", {}},
      {"acme.example.com:80x", {}},
      {"www.example.com", {}},
      {"api.example.com", {}},
      {"-acme.example.com", {}},
      {"acme_co.example.com", {}},
      {"evilexample.com", {}},
      {"[::1]:8080", {}},
      {"127.0.0.1:8080", {}},
      {"", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(tenant_from_host(c.host, "example.com"), c.expected) << c.host;
}

TEST(TenantResolution, CanonicalReferences) {
  EXPECT_EQ(canonical_tenant_ref("ACME"), std::nullopt);
  EXPECT_EQ(canonical_tenant_ref("acme-co"), O("acme-co"));
  EXPECT_EQ(canonical_tenant_ref(std::string(64, 'a')), std::nullopt);
  EXPECT_EQ(canonical_tenant_ref(std::string(63, 'a')), O(std::string(63, 'a')));
  EXPECT_EQ(canonical_tenant_ref("acme'); drop table x;--"), std::nullopt);
  EXPECT_EQ(canonical_tenant_ref(""), std::nullopt);
}

}  // namespace
}  // namespace tenantd
