#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tenantd {

// The tenant named by a Host header `{slug}.{base_domain}[:port]`, if any. Hosts that are
// the base domain itself, IP literals, other domains or reserved labels name no tenant.
std::optional<std::string> tenant_from_host(const std::string& host, const std::string& base_domain);

// A tenant reference as written in a path, header or token: a uuid (canonicalised to lower
// case) or a slug. Anything else is not a reference.
std::optional<std::string> canonical_tenant_ref(const std::string& raw);

struct ResolutionInput {
  std::optional<std::string> token_tenant;  // verified claim (tenant_id or org_id)
  bool super_admin = false;
  std::optional<std::string> path_tenant;    // /v1/tenants/{tenant}/...
  std::optional<std::string> header_tenant;  // TENANT_HEADER_NAME
  std::optional<std::string> host_tenant;    // from tenant_from_host
  // A Host that may be a verified custom domain (util::custom_domain_from_host): passed as a
  // reference for the database to resolve (tenantd.enter), when host_tenant is absent.
  std::optional<std::string> host_domain;
  bool tenant_required = true;  // route scope is tenant
  // The credential names its tenant, which only the database knows (an API key): the request
  // needs no reference, and the ones it has go to tenantd.enter, which checks they agree.
  bool credential_names_tenant = false;
};

struct ResolutionResult {
  std::vector<std::string> refs;  // canonical refs, token first; the database checks they agree
  int status = 0;                 // non-zero: refuse with this status and code
  std::string code;
  std::string detail;
  bool ok() const { return status == 0; }
};

// DESIGN §4 order: token claim, path, header, Host. All present must agree (uuids are
// compared here; slugs are resolved and compared by tenantd.enter_context). A token without
// a tenant may act in a tenant only as super_admin naming it by path or header.
ResolutionResult resolve_tenant(const ResolutionInput& in);

}  // namespace tenantd
