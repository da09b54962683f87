// JWT_TENANT_CLAIM / JWT_ROLE_CLAIM / JWT_SUBJECT_KIND / JWT_ROLE_MAP: what start-up accepts and
// refuses, dotted claim paths, and the role mapping (table-driven).
#include "auth/provider_claims.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace tenantd::auth {
namespace {

TEST(ProviderClaims, DefaultsAreTenantdsOwnClaimNames) {
  const ProviderClaims pc = parse_provider_claims("", "", "", "");
  EXPECT_EQ(pc.tenant_paths, (std::vector<std::vector<std::string>>{{"tenant_id"}, {"org_id"}}));
  EXPECT_EQ(pc.role_paths, (std::vector<std::vector<std::string>>{{"role"}}));
  EXPECT_FALSE(pc.external_subject);
  EXPECT_TRUE(pc.role_map.empty());
}

TEST(ProviderClaims, ClerkSettings) {
  const ProviderClaims pc =
      parse_provider_claims("o.id, org_id", "o.rol,org_role", "external",
                            "org:admin=tenant_admin,admin=tenant_admin,org:member=member");
  EXPECT_EQ(pc.tenant_paths, (std::vector<std::vector<std::string>>{{"o", "id"}, {"org_id"}}));
  EXPECT_EQ(pc.role_paths, (std::vector<std::vector<std::string>>{{"o", "rol"}, {"org_role"}}));
  EXPECT_TRUE(pc.external_subject);
  EXPECT_EQ(pc.role_map.at("org:admin"), "tenant_admin");
  EXPECT_EQ(pc.role_map.at("admin"), "tenant_admin");
  EXPECT_EQ(pc.role_map.at("org:member"), "member");
}

TEST(ProviderClaims, RefusedSettings) {
  struct Case {
    const char *tenant, *role, *kind, *map;
  };
  const Case cases[] = {
      {"o..id", "", "", ""},            // empty path segment
      {"o.id.x.y.z", "", "", ""},       // too deep
      {"o id", "", "", ""},             // space inside a segment
      {"", "o.rol$", "", ""},           // a character no claim name here has
      {"", "", "email", ""},            // unknown subject kind
      {"", "", "", "admin"},            // no '='
      {"", "", "", "=tenant_admin"},    // no provider role
      {"", "", "", "admin=Tenant"},     // not a tenantd role name
      {"", "", "", "admin=a,admin=b"},  // mapped twice
  };
  for (const auto& c : cases) {
    EXPECT_THROW(parse_provider_claims(c.tenant, c.role, c.kind, c.map), std::invalid_argument)
        << c.tenant << " | " << c.role << " | " << c.kind << " | " << c.map;
  }
}

TEST(ProviderClaims, DottedPaths) {
  rapidjson::Document d;
  d.Parse(R"({"o": {"id": "org_1", "rol": "admin"}, "org_id": "org_v1", "n": 5})");
  ASSERT_NE(claim_at(d, {"o", "id"}), nullptr);
  EXPECT_STREQ(claim_at(d, {"o", "id"})->GetString(), "org_1");
  EXPECT_STREQ(claim_at(d, {"org_id"})->GetString(), "org_v1");
  EXPECT_EQ(claim_at(d, {"o", "slg"}), nullptr);
  EXPECT_EQ(claim_at(d, {"n", "x"}), nullptr);  // through a non-object
  EXPECT_EQ(claim_at(d, {"x", "id"}), nullptr);
}

TEST(ProviderClaims, RoleMapping) {
  const ProviderClaims pc = parse_provider_claims("", "", "", "org:admin=tenant_admin,admin=tenant_admin");
  const std::pair<const char*, const char*> cases[] = {
      {"org:admin", "tenant_admin"},      // mapped (v1 spelling)
      {"admin", "tenant_admin"},          // mapped (v2 spelling)
      {"read_only", "read_only"},         // a tenantd role name passes as it is
      {"org:billing_manager", "member"},  // anything else: the narrowest built-in
      {"Admin", "member"},
      {"super_admin", "super_admin"},  // still checked against the operator registry
  };
  for (const auto& [raw, want] : cases) EXPECT_EQ(map_provider_role(pc, raw), want) << raw;
}

}  // namespace
}  // namespace tenantd::auth
