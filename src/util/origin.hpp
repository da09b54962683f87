#pragma once
#include <string>

namespace tenantd::util {

// A web origin (RFC 6454) as a tenant lists it for CORS, normalised to the exact text a browser
// sends in its Origin header, so that allowing is an exact string comparison:
//   scheme://host[:port]  scheme and host in lower case, a non-ASCII host as IDNA A-labels, the
//   scheme's default port (443, 80) left out.
// Refused, with a reason for the client: any other scheme; http for a host that is not loopback
// (localhost, *.localhost, 127.0.0.1, [::1]: local development only); a path (a trailing slash
// included), query, fragment or user info; a wildcard; "null"; IPv6 literals other than [::1];
// an IP address other than 127.0.0.1 written oddly (leading zeros, fewer parts); a host that is
// no DNS name; a port outside 1-65535 or with leading zeros; more than 300 characters.
struct OriginResult {
  std::string origin;
  std::string error;  // empty when accepted
  bool ok() const { return error.empty(); }
};
OriginResult normalize_origin(const std::string& raw);

// The Origin header of a request is allowed only when it is already in that form (browsers send
// it so); anything else is simply not allowed, and never looked up.
bool is_canonical_origin(const std::string& origin);

}  // namespace tenantd::util
