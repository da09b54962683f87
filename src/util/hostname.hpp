#pragma once
#include <optional>
#include <string>
#include <vector>

namespace tenantd::util {

// A custom domain as a tenant writes it, normalised: lower case, IDNA to ASCII (UTS #46
// non-transitional, libidn2), no trailing dot. Refused, with a reason for the client: a port, a
// wildcard, a scheme or path, an IP address, a single label, a label or name too long, the
// base domain or a name under it (those are the platform's), and a public suffix alone
// ("co.uk", "github.io": libpsl with Debian's publicsuffix list).
struct HostnameResult {
  std::string hostname;
  std::string error;  // empty when accepted
  bool ok() const { return error.empty(); }
};
HostnameResult normalize_custom_hostname(const std::string& raw, const std::string& base_domain);

// A hostname in lower case, a non-ASCII one converted to its IDNA A-labels (UTS #46
// non-transitional, libidn2); no other check. Shared by custom domains and allowed origins.
HostnameResult ascii_hostname(const std::string& host);

// A DNS label of letters, digits and '-', 1 to 63 characters, not starting or ending with '-'.
bool is_ldh_label(const std::string& label);

// The hostname of a Host header that could be a verified custom domain: lower case, port and
// trailing dot removed, the shape of an ASCII DNS name with at least two labels, not an IP
// literal, neither the base domain nor under it, and not one of the service's own hostnames
// (API_HOSTNAMES: a load balancer's or cluster-internal name the API is also reached by, which
// would otherwise be looked up as an unknown custom domain and answer 404). nullopt otherwise
// (the subdomain rule, tenant_from_host, handles the base domain's names).
std::optional<std::string> custom_domain_from_host(const std::string& host, const std::string& base_domain,
                                                   const std::vector<std::string>& own_hostnames = {});

}  // namespace tenantd::util
