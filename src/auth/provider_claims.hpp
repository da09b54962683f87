#pragma once
// Identity-provider tokens as the provider issues them (docs/clerk.md): where the tenant and the
// role are in the payload (dotted paths such as o.id), whether `sub` is a tenantd user id or the
// provider's own (user_…), and how the provider's role names map to tenantd roles. Applied to
// tokens signed by a provider's keys (JWT_PUBLIC_KEYS, JWT_JWKS_FILE, JWT_JWKS_URL) only; tokens
// tenantd signs itself keep tenantd's claim names.
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tenantd::auth {

struct ProviderClaims {
  // JWT_TENANT_CLAIM, JWT_ROLE_CLAIM: comma-separated dotted paths, the first present wins
  // (o.id,org_id reads Clerk's v2 and v1 tokens). Defaults: tenant_id,org_id and role.
  std::vector<std::vector<std::string>> tenant_paths{{"tenant_id"}, {"org_id"}};
  std::vector<std::vector<std::string>> role_paths{{"role"}};
  // JWT_SUBJECT_KIND=external: sub and the tenant claim are the provider's ids, resolved by
  // tenantd.enter to the identity and tenant its webhooks linked (external_id).
  bool external_subject = false;
  // JWT_ROLE_MAP: provider role → tenantd role ("org:admin=tenant_admin,org:member=member").
  std::map<std::string, std::string> role_map;
};

// Parses the four settings; throws std::invalid_argument naming the setting and the problem.
ProviderClaims parse_provider_claims(const std::string& tenant_claim, const std::string& role_claim,
                                     const std::string& subject_kind, const std::string& role_map);

// The value at a dotted path of an object (nullptr when any step is absent or not an object).
const rapidjson::Value* claim_at(const rapidjson::Value& payload, const std::vector<std::string>& path);

// A provider's role as a tenantd role claim: the role map's entry; else the name itself when it is
// a tenantd role name (a-z first, then a-z, 0-9, _); else "member", the narrowest built-in role
// (the claim can only narrow what the membership grants, never widen it).
std::string map_provider_role(const ProviderClaims& pc, std::string_view raw);

}  // namespace tenantd::auth
