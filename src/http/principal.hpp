#pragma once
#include <optional>
#include <string>

namespace tenantd {

// The authenticated caller, from a verified token. `role` is the token's claim, not what the
// caller may do: tenantd.enter checks it against the database (a membership's current role, a
// registered operator) and may narrow it. A check on the claim before the database can only
// refuse early (a claim never widens the effective role).
struct Principal {
  std::string sub;
  std::string user_id;  // sub when it is a uuid, else empty (operators from an identity provider)
  std::string role;     // claimed role
  std::optional<std::string> tenant_claim;
  // An API key (Authorization: Bearer tdk_…): the SHA-256 (lower-case hex) of the key, which
  // tenantd.enter looks up in the same statement as the request's work; sub, user_id and role
  // are then empty. The key itself is never kept.
  std::string api_key_hash;
  // An identity provider's token with JWT_SUBJECT_KIND=external: sub is the provider's user id
  // and external_tenant its organization id (the configured tenant claim); tenantd.enter resolves
  // both to what the provider's webhooks linked. user_id and tenant_claim are then empty.
  bool external_subject = false;
  std::optional<std::string> external_tenant;
  bool is_super_admin() const { return role == "super_admin"; }  // claimed; see above
  bool is_api_key() const { return !api_key_hash.empty(); }
  // The credential names its tenant, which only the database can resolve (a key, a provider's
  // organization): the request needs no tenant reference of its own.
  bool names_own_tenant() const { return is_api_key() || external_tenant.has_value(); }
};

}  // namespace tenantd
