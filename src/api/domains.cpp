// /v1/domains: custom domains. The handlers check and convert the input; the functions
// (sql/88–89) claim, list, queue checks and delete, and the 'domain.check' job
// (src/jobs/domains.cpp) asks DNS. The hostname is normalised here (util/hostname: IDNA,
// public suffixes), where libidn2 and libpsl are; the table repeats the shape check.
#include "api/domains.hpp"

#include "api/input.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/hostname.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::domains {
namespace {

// An id that is not a uuid names no domain; the permission check (tenantd.enter) still comes
// first, so it is sent as the nil uuid rather than refused here.
std::string domain_id_param(const RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  return util::is_uuid(id) ? util::canonical_uuid(id) : std::string("00000000-0000-0000-0000-000000000000");
}

}  // namespace

// api.create_domain(ctx, hostname, cname_target, ttl_days, base_domain)
std::vector<db::Arg> create(RequestContext& ctx) {
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"hostname"});
  const std::string raw = required_string(ctx, "hostname", 1000);
  const util::HostnameResult h = util::normalize_custom_hostname(raw, ctx.svc.config.base_domain);
  if (!h.ok()) throw ApiError("invalid_hostname", h.error);
  const auto& cfg = ctx.svc.config;
  return {h.hostname, cfg.domain_cname_target, std::to_string(cfg.domain_claim_ttl_days), cfg.base_domain};
}

// api.list_domains(ctx, limit, after)
std::vector<db::Arg> list(RequestContext& ctx) {
  return page_args(ctx);
}

// api.get_domain(ctx, id)
std::vector<db::Arg> get(RequestContext& ctx) {
  return {domain_id_param(ctx)};
}

// api.verify_domain(ctx, id)
std::vector<db::Arg> verify(RequestContext& ctx) {
  return {domain_id_param(ctx)};
}

// api.delete_domain(ctx, id)
std::vector<db::Arg> remove(RequestContext& ctx) {
  return {domain_id_param(ctx)};
}

// api.domain_allowed(ctx, domain). Caddy asks with the SNI name; it is normalised like a Host
// (lower case, no trailing dot); anything that cannot be a custom domain is simply not allowed.
std::vector<db::Arg> allowed(RequestContext& ctx) {
  const auto d = ctx.query_value("domain");
  if (!d) throw ApiError("missing_field", "query parameter 'domain' is required");
  const auto host = util::custom_domain_from_host(*d, ctx.svc.config.base_domain);
  if (!host || d->find(':') != std::string::npos) return {std::nullopt};
  return {*host};
}

}  // namespace tenantd::api::domains
