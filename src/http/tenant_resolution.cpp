#include "http/tenant_resolution.hpp"

#include <algorithm>
#include <cctype>

#include "http/problem_table.hpp"
#include "util/uuid.hpp"

namespace tenantd {
namespace {

// Subdomains that belong to the platform itself and never to a tenant.
const char* const kReservedLabels[] = {"www", "api", "admin", "app", "status", "mail"};

ResolutionResult refuse(const char* code, const char* detail) {
  ResolutionResult r;
  r.status = problem_status(code);
  r.code = code;
  r.detail = detail;
  return r;
}

}  // namespace

std::optional<std::string> canonical_tenant_ref(const std::string& raw) {
  if (util::is_uuid(raw)) return util::canonical_uuid(raw);
  if (util::is_slug(raw)) return raw;
  return std::nullopt;
}

std::optional<std::string> tenant_from_host(const std::string& host_in, const std::string& base_domain) {
  if (host_in.empty() || base_domain.empty() || host_in.front() == '[') return std::nullopt;
  std::string host = host_in;
  auto colon = host.find(':');
  if (colon != std::string::npos) {
    const std::string port = host.substr(colon + 1);
    if (port.empty() || !std::all_of(port.begin(), port.end(), ::isdigit)) return std::nullopt;
    host.resize(colon);
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!host.empty() && host.back() == '.') host.pop_back();  // absolute form "acme.example.com."
  const std::string suffix = "." + base_domain;
  if (host.size() <= suffix.size() || host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string label = host.substr(0, host.size() - suffix.size());
  if (!util::is_slug(label)) return std::nullopt;  // also refuses nested subdomains (contain '.')
  for (const char* r : kReservedLabels) {
    if (label == r) return std::nullopt;
  }
  return label;
}

ResolutionResult resolve_tenant(const ResolutionInput& in) {
  ResolutionResult out;
  std::optional<std::string> token, path, header, host;
  if (in.token_tenant) {
    token = canonical_tenant_ref(*in.token_tenant);
    if (!token) return refuse("invalid_token", "the token's tenant claim is not a tenant id");
  }
  if (in.path_tenant) {
    path = canonical_tenant_ref(*in.path_tenant);
    if (!path) return refuse("tenant_not_found", "no such tenant");
  }
  if (in.header_tenant) {
    header = canonical_tenant_ref(*in.header_tenant);
    if (!header) return refuse("invalid_tenant_header", "the tenant header is not a tenant id or slug");
  }
  if (in.host_tenant) host = canonical_tenant_ref(*in.host_tenant);
  if (!host && in.host_domain) host = in.host_domain;

  if (!token && !in.credential_names_tenant) {
    if (!in.super_admin) {
      if (in.tenant_required || path || header) {
        return refuse("tenant_required", "the token names no tenant");
      }
      return out;
    }
    // Super admins act inside a tenant only when the request names it explicitly.
    if (!path && !header) {
      if (in.tenant_required) {
        return refuse("tenant_required",
                      "a super_admin must name the tenant in the path or the tenant header");
      }
      return out;
    }
  }
  for (const auto* ref : {&token, &path, &header, &host}) {
    if (*ref) out.refs.push_back(**ref);
  }
  // Two uuids that differ cannot agree: refuse without asking the database. Slugs are
  // compared after resolution by tenantd.enter_context.
  std::optional<std::string> first_uuid;
  for (const auto& r : out.refs) {
    if (!util::is_uuid(r)) continue;
    if (first_uuid && *first_uuid != r) {
      return refuse("tenant_mismatch", "the request names a tenant other than the token's tenant");
    }
    first_uuid = r;
  }
  return out;
}

}  // namespace tenantd
