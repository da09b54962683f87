#include "http/dispatcher.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <pqxx/pqxx>
#include <sstream>

#include "db/api_call.hpp"
#include "db/origin_lookup.hpp"
#include "db/pool.hpp"
#include "db/rollback_sqlstate.hpp"
#include "http/api_key_use.hpp"
#include "http/event_stream.hpp"
#include "http/idempotency_key.hpp"
#include "http/metrics.hpp"
#include "http/problem.hpp"
#include "http/tenant_resolution.hpp"
#include "http/usage_meter.hpp"
#include "util/config.hpp"
#include "util/hostname.hpp"
#include "util/json.hpp"
#include "util/json_escape.hpp"
#include "util/json_parse.hpp"
#include "util/percent_encoding.hpp"
#include "util/sha256.hpp"
#include "util/utf8.hpp"
#include "util/uuid.hpp"

namespace tenantd {
namespace {

// quota_exceeded's refusal in /metrics, by the plan metric its extension members name
// ({"metric": …}, set by tenantd.consume_quota from its own list of metrics).
void count_quota_refusal(const std::string& extensions) {
  rapidjson::Document d;
  d.Parse(extensions.c_str());
  const bool named = !d.HasParseError() && d.IsObject() && d.HasMember("metric") && d["metric"].IsString() &&
                     d["metric"].GetStringLength() <= 64;
  metrics().count_quota_refusal(named ? d["metric"].GetString() : "unknown");
}

bool valid_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
      return false;
  }
  return true;
}

const std::string* header(const IncomingRequest& in, const std::string& lower_name) {
  auto it = in.headers.find(lower_name);
  return it == in.headers.end() ? nullptr : &it->second;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

bool method_has_body(const std::string& m) {
  return m == "POST" || m == "PUT" || m == "PATCH";
}

bool is_json_media_type(const std::string& ct) {
  std::string t = lower(ct.substr(0, ct.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/json" ||
         (t.size() > 5 && t.compare(t.size() - 5, 5, "+json") == 0 && t.rfind("application/", 0) == 0);
}

// API keys: "tdk_", 8 public and 43 secret base64url characters (tenantd.new_api_key).
constexpr std::string_view kApiKeyPrefix = "tdk_";
constexpr size_t kApiKeyLength = 4 + 8 + 43;

bool is_api_key_shape(std::string_view key) {
  if (key.size() != kApiKeyLength || key.rfind(kApiKeyPrefix, 0) != 0) return false;
  for (char c : key.substr(kApiKeyPrefix.size())) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

Principal authenticate(const IncomingRequest& in, const auth::JwtVerifier& verifier) {
  const std::string* authz = header(in, "authorization");
  if (!authz) {
    throw ApiError("unauthenticated", "a bearer token is required", {{"WWW-Authenticate", "Bearer"}});
  }
  if (authz->size() < 8 || lower(authz->substr(0, 7)) != "bearer ") {
    throw ApiError("invalid_token", "the Authorization header must be 'Bearer <token>'",
                   {{"WWW-Authenticate", "Bearer error=\"invalid_request\""}});
  }
  const std::string_view credential = std::string_view(*authz).substr(7);
  // An API key: checked for its shape here, found by its SHA-256 in the request's one statement
  // (tenantd.enter). The key itself goes no further than this function.
  if (credential.rfind(kApiKeyPrefix, 0) == 0) {
    if (!is_api_key_shape(credential)) {
      throw ApiError("invalid_api_key", "the API key is not valid",
                     {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
    }
    Principal p;
    p.api_key_hash = util::sha256_hex(credential);
    return p;
  }
  auth::Claims claims;
  try {
    claims = verifier.verify(credential, static_cast<int64_t>(std::time(nullptr)));
  } catch (const auth::JwtError& e) {
    throw ApiError("invalid_token", std::string("the token was refused: ") + e.code(),
                   {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
  }
  Principal p;
  p.sub = claims.sub;
  p.role = claims.role;
  if (claims.external_subject) {
    // the provider's ids as issued: tenantd.enter resolves them (external_id) in the same statement
    if (claims.sub.size() > 255 || (claims.tenant_id && claims.tenant_id->size() > 255)) {
      throw ApiError("invalid_token", "the token's subject or organization claim is too long",
                     {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
    }
    p.external_subject = true;
    p.external_tenant = claims.tenant_id;
    return p;
  }
  p.tenant_claim = claims.tenant_id;
  if (util::is_uuid(claims.sub)) p.user_id = util::canonical_uuid(claims.sub);
  // Only operators (super_admin) may come from outside the users table.
  if (p.user_id.empty() && !p.is_super_admin()) {
    throw ApiError("invalid_token", "the token's subject is not a user id",
                   {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
  }
  return p;
}

// Request-level checks before any handler runs: every header value, query name and value and
// path parameter may reach SQL (tenant references, Idempotency-Key, filters, ids), so each must
// be text PostgreSQL takes as it is. Query strings arrive still percent-encoded and are decoded
// here strictly: a malformed escape is a 400, never a literal '%' passed on.
void check_request_text(const IncomingRequest& in, RequestContext& ctx) {
  for (const auto& [name, value] : in.headers) {
    if (!util::clean_text(value)) {
      throw ApiError("invalid_header", "a header value is not valid UTF-8 or contains a NUL character (" +
                                           (util::clean_text(name) ? name.substr(0, 64) : std::string("?")) +
                                           ")");
    }
  }
  for (const auto& [raw_name, raw_value] : in.query) {
    auto name = util::percent_decode(raw_name);
    auto value = util::percent_decode(raw_value);
    if (!name || !value) throw ApiError("invalid_query", "the query string has a malformed percent-escape");
    if (!util::clean_text(*name) || !util::clean_text(*value)) {
      throw ApiError("invalid_query", "a query parameter is not valid UTF-8 or contains a NUL character");
    }
    ctx.query[*name] = *value;
  }
  for (const auto& [name, value] : ctx.params) {
    if (!util::clean_text(value)) {
      throw ApiError("invalid_path",
                     "path segment '" + name + "' is not valid UTF-8 or contains a NUL character");
    }
  }
}

// The first argument of every api.* call (tenantd.enter reads it): who asks, in which tenant,
// through which route, and what the route table says the route needs.
// Who asks and in which tenant: the part of the context every call has (an open object).
void write_principal(util::JsonOut& j, const RequestContext& ctx, const std::string& route_label) {
  j.begin_object();
  j.str("request_id", ctx.request_id).str("route", route_label).str("client", ctx.client_address);
  if (ctx.principal) {
    j.begin_array("refs");
    for (const auto& r : ctx.tenant_refs) j.element(r);
    j.end_array();
    if (ctx.principal->is_api_key()) {
      // the whole principal: tenantd.enter finds the key, its tenant and its permissions
      j.str("api_key", ctx.principal->api_key_hash);
    } else if (ctx.principal->external_subject) {
      // the provider's ids: tenantd.enter finds the linked identity and tenant; an operator's
      // subject is checked against the registry as it is
      if (!ctx.principal->is_super_admin()) j.str("external_subject", ctx.principal->sub);
      if (ctx.principal->external_tenant) j.str("external_tenant", *ctx.principal->external_tenant);
      j.str("role", ctx.principal->role).str("subject", ctx.principal->sub);
    } else {
      // the role is the token's claim: tenantd.enter checks it and may narrow it
      j.str("user_id", ctx.principal->user_id)
          .str("role", ctx.principal->role)
          .str("subject", ctx.principal->sub);
    }
  }
}

// with_rate_limit: tenantd.enter reads the tenant's rate limit for tenantd.current_rate_limit(),
// before the endpoint writes anything (on Citus a definer's write would keep the app role from
// reading the tenant's shards after it in the same transaction)
std::string context_json(const RequestContext& ctx, const Route& route, const std::string& route_label,
                         bool with_rate_limit) {
  util::JsonOut j;
  write_principal(j, ctx, route_label);
  if (route.options.allow_inactive) j.boolean("allow_inactive", true);
  if (with_rate_limit) j.boolean("rate_limit", true);
  if (!route.options.permission.empty()) j.str("permission", route.options.permission);
  if (route.options.idempotent) {
    if (auto k = idempotency_key_of(ctx)) {
      j.key("idempotency")
          .begin_object()
          .str("scope", k->scope)
          .str("key", k->key_hash)
          .str("fingerprint", k->fingerprint)
          .integer("ttl_seconds", k->ttl_seconds)
          .end_object();
    }
  }
  j.end_object();
  return j.take();
}

// The context of api.rate_limit_policy: the request's principal and tenant references, and
// no route permission (the lookup asks only whether the principal may act in the tenant).
std::string rate_limit_context_json(const RequestContext& ctx) {
  util::JsonOut j;
  write_principal(j, ctx, "rate limit policy");
  j.end_object();
  return j.take();
}

}  // namespace

std::string App::limit_and_count(const RequestContext& ctx,
                                 std::map<std::string, std::string>& tenant_headers,
                                 bool call_carries_policy) {
  const bool limit = svc_.config.tenant_rate_limit_enabled;
  UsageMeter* meter = svc_.usage_meter;
  // Operators acting in a tenant are neither limited by its plan nor its usage.
  // A key names its tenant by itself (the database knows which): no reference needed.
  if ((!limit && !meter) || !ctx.principal || ctx.principal->is_super_admin() ||
      (ctx.tenant_refs.empty() && !ctx.principal->names_own_tenant()))
    return {};
  std::string key = (ctx.tenant_refs.empty() ? std::string() : ctx.tenant_refs.front()) + '\n' +
                    ctx.principal->sub + '\n' + ctx.principal->role + '\n' + ctx.principal->api_key_hash +
                    '\n' + ctx.principal->external_tenant.value_or("");
  if (auto p = tenant_limits_.cached(key)) {
    apply_limit(*p, tenant_headers, true);
    return {};
  }
  // The principal's first request in this tenant within the minute: its own call checks it and
  // answers the policy; the token is taken after it (one request per principal and minute
  // is limited after it ran rather than before).
  if (call_carries_policy) {
    // ... unless the tenant this reference named for others has no token left
    if (!ctx.tenant_refs.empty() && svc_.config.tenant_rate_limit_enabled) {
      if (auto d = tenant_limits_.peek_reference(ctx.tenant_refs.front()); d && !d->allowed)
        refuse_limit(*d, tenant_headers);
    }
    return key;
  }
  settle_limit(ctx, key, {}, tenant_headers, true);
  return {};
}

void App::settle_limit(const RequestContext& ctx, const std::string& key, const std::string& policy_json,
                       std::map<std::string, std::string>& tenant_headers, bool may_refuse) {
  TenantRateLimits::Policy p;
  if (!policy_json.empty()) {
    p = TenantRateLimits::parse(policy_json);
  } else {
    try {
      const db::Reply r =
          db::call_api(svc_.pool, "api.rate_limit_policy", rate_limit_context_json(ctx), {}, true);
      if (r.status == 200) p = TenantRateLimits::parse(r.body);
    } catch (const pqxx::sql_error& e) {
      // The database refused the principal in this tenant (TDxxx): no bucket, no count, and the
      // request's own call answers why. Anything else is not remembered.
      p.cacheable = e.sqlstate().rfind("TD", 0) == 0;
    }
  }
  tenant_limits_.remember(key, p);
  if (!ctx.tenant_refs.empty()) tenant_limits_.note_reference(ctx.tenant_refs.front(), p);
  apply_limit(p, tenant_headers, may_refuse);
}

void App::refuse_limit(const TenantRateLimits::Decision& d,
                       std::map<std::string, std::string>& tenant_headers) {
  tenant_headers["RateLimit-Policy"] = TenantRateLimits::policy_header(d);
  tenant_headers["RateLimit"] = TenantRateLimits::state_header(d);
  std::map<std::string, std::string> h = tenant_headers;
  h["Retry-After"] = std::to_string(d.retry_after);
  throw ApiError(
      "rate_limited",
      "this tenant's plan allows " + std::to_string(d.limit) + " API requests per minute; retry later",
      std::move(h));
}

void App::apply_limit(const TenantRateLimits::Policy& p, std::map<std::string, std::string>& tenant_headers,
                      bool may_refuse) {
  if (p.tenant_id.empty()) return;
  if (svc_.config.tenant_rate_limit_enabled && p.per_minute > 0) {
    const TenantRateLimits::Decision d = tenant_limits_.take(p.tenant_id, p.per_minute);
    tenant_headers["RateLimit-Policy"] = TenantRateLimits::policy_header(d);
    tenant_headers["RateLimit"] = TenantRateLimits::state_header(d);
    if (!d.allowed && may_refuse) refuse_limit(d, tenant_headers);
  }
  if (svc_.usage_meter) svc_.usage_meter->add(p.tenant_id, UsageMeter::utc_day());
}

// Only keys the database accepted are noted (an unchecked made-up key would only grow the map
// until the next flush, which would match nothing).
void App::note_api_key_use(const RequestContext& ctx) {
  if (ctx.principal && ctx.principal->is_api_key() && svc_.api_key_use)
    svc_.api_key_use->note(ctx.principal->api_key_hash, static_cast<int64_t>(std::time(nullptr)));
}

App::App(Services& svc, Router& router, const auth::JwtVerifier& verifier)
    : svc_(svc),
      router_(router),
      verifier_(verifier),
      trusted_proxies_(parse_cidr_list(svc.config.trusted_proxies)),
      login_limit_(svc.config.login_rate_per_minute),
      accept_limit_(svc.config.accept_rate_per_minute),
      signup_limit_(svc.config.signup_rate_per_minute),
      domain_ask_limit_(svc.config.domain_ask_rate_per_minute),
      cors_(svc.config.cors_allowed_origins, svc.config.cors_cache_seconds,
            [&pool = svc.pool](const std::string& ref, const std::string& origin) {
              return db::origin_allowed(pool, ref, origin);
            }) {}

Response App::preflight(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log) {
  RouteMatch m = router_.match(*header(in, "access-control-request-method"), in.path);
  if (m.allowed.empty()) throw ApiError("not_found", "no such route");
  // the path's parameters ({tenant}) whichever method was asked for
  if (!m.route) m = router_.match(m.allowed.front(), in.path);
  if (m.route) route_for_log = m.route->pattern;
  ctx.params = m.params;
  check_request_text(in, ctx);
  const std::string& origin = *header(in, "origin");
  const std::vector<std::string> refs =
      Cors::request_refs(ctx.param("tenant"), header(in, "host"), svc_.config.base_domain,
                         svc_.config.tenant_subdomain_enabled, svc_.config.api_hostnames);
  if (!cors_.allowed(origin, refs)) {
    throw ApiError(
        "origin_not_allowed",
        "this origin may not call the API here; a tenant allows origins with PUT /v1/allowed-origins");
  }
  Response res(204, "");
  Cors::add_preflight_headers(res.headers, origin, m.allowed, svc_.config.tenant_header_name,
                              svc_.config.cors_max_age_seconds);
  return res;
}

Response App::run(RequestContext& ctx, const IncomingRequest& in, std::string& route_for_log,
                  std::map<std::string, std::string>& tenant_headers) {
  RouteMatch m = router_.match(in.method, in.path);
  if (!m.route) {
    if (!m.allowed.empty()) {
      std::string allow;
      for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
      throw ApiError("method_not_allowed", in.method + " is not allowed here", {{"Allow", allow}});
    }
    throw ApiError("not_found", "no such route");
  }
  const Route& route = *m.route;
  route_for_log = route.pattern;
  ctx.route = route.pattern;
  ctx.params = std::move(m.params);
  if (!m.bad_param.empty()) {
    throw ApiError("invalid_path", "path segment '" + m.bad_param + "' has a malformed percent-escape");
  }

  check_request_text(in, ctx);

  // Per-client limits come first: before the body is read, parsed or hashed, so a refused
  // request costs a map lookup.
  if (route.options.rate_limit != RateLimit::kNone) {
    RateLimiter& limiter = route.options.rate_limit == RateLimit::kLogin       ? login_limit_
                           : route.options.rate_limit == RateLimit::kAccept    ? accept_limit_
                           : route.options.rate_limit == RateLimit::kDomainAsk ? domain_ask_limit_
                                                                               : signup_limit_;
    if (const int retry_after = limiter.acquire(rate_limit_key(ctx.client_address))) {
      throw ApiError("rate_limited", "too many requests from this address; retry later",
                     {{"Retry-After", std::to_string(retry_after)}});
    }
  }

  if (in.body.size() > svc_.config.max_body_bytes) {
    throw ApiError("body_too_large",
                   "the request body exceeds " + std::to_string(svc_.config.max_body_bytes) + " bytes");
  }
  if (!in.body.empty()) {
    if (!method_has_body(in.method)) throw ApiError("unexpected_body", in.method + " takes no body");
    const std::string* ct = header(in, "content-type");
    if (!ct || !is_json_media_type(*ct)) {
      throw ApiError("unsupported_media_type", "the body must be application/json");
    }
    ctx.body = in.body;
    // The only parse of a request body: iterative, depth-capped, UTF-8-checked, no NUL, no
    // duplicate names (util/json_parse.hpp); nothing else looks at the body before it.
    if (auto pr = util::parse_untrusted_json(ctx.json, ctx.body); !pr) {
      throw ApiError("malformed_json", "the body is not acceptable JSON: " + pr.error);
    }
    if (!ctx.json.IsObject()) throw ApiError("malformed_json", "the body must be a JSON object");
    ctx.has_json = true;
  }

  if (route.scope != Scope::kPublic) {
    ctx.principal = authenticate(in, verifier_);
    ResolutionInput ri;
    ri.token_tenant = ctx.principal->tenant_claim;
    ri.super_admin = ctx.principal->is_super_admin();
    ri.credential_names_tenant = ctx.principal->names_own_tenant();
    if (const auto* t = ctx.param("tenant")) ri.path_tenant = *t;
    if (const auto* h = header(in, lower(svc_.config.tenant_header_name))) ri.header_tenant = *h;
    if (const auto* h = header(in, "host")) {
      if (svc_.config.tenant_subdomain_enabled)
        ri.host_tenant = tenant_from_host(*h, svc_.config.base_domain);
      // any other name may be a verified custom domain: tenantd.enter resolves it in the same statement
      ri.host_domain = util::custom_domain_from_host(*h, svc_.config.base_domain, svc_.config.api_hostnames);
    }
    ri.tenant_required = route.scope == Scope::kTenant;
    ResolutionResult rr = resolve_tenant(ri);
    if (!rr.ok()) throw ApiError(rr.code, rr.detail);
    ctx.tenant_refs = std::move(rr.refs);
    if (!ctx.tenant_refs.empty()) ctx.tenant_id = ctx.tenant_refs.front();
  }
  const bool one_call = svc_.config.rate_limit_policy_in_call && !route.function.empty() &&
                        route.options.stream == EventStream::kNone;
  const std::string limit_key = limit_and_count(ctx, tenant_headers, one_call);
  ctx.context_json = context_json(ctx, route, in.method + " " + route.pattern, !limit_key.empty());
  if (route.function.empty()) {
    // authenticated self-answering routes make their api.* call(s) themselves, tenantd.enter first
    Response own = route.fn(ctx);
    if (route.scope != Scope::kPublic) note_api_key_use(ctx);
    return own;
  }
  std::vector<db::Arg> args = route.args(ctx);
  if (route.options.stream != EventStream::kNone) return open_event_stream(ctx, route, args);
  // Only a read is sent again when the connection turns out lost (a write may have committed).
  db::Reply reply;
  std::string policy_json;
  try {
    reply = db::call_api(svc_.pool, route.function, ctx.context_json, args, in.method == "GET",
                         limit_key.empty() ? nullptr : &policy_json);
  } catch (const pqxx::sql_error&) {
    // refused: the policy is asked for on its own, so refused requests are limited and counted
    // like the others; the answer stays the refusal
    if (!limit_key.empty()) settle_limit(ctx, limit_key, {}, tenant_headers, false);
    throw;
  }
  if (!limit_key.empty())
    settle_limit(ctx, limit_key, policy_json.empty() ? "{}" : policy_json, tenant_headers, false);
  // the statement ran, so tenantd.enter accepted the key: a use (last_used_at, flushed in batches)
  note_api_key_use(ctx);
  if (route.options.reply_filter) route.options.reply_filter(ctx, reply);
  return reply_response(std::move(reply));
}

Response App::dispatch(const IncomingRequest& in) {
  const auto t0 = std::chrono::steady_clock::now();
  RequestContext ctx{svc_,      {}, in.method, in.path, {},           {}, {}, in.headers,
                     in.remote, {}, {},        false,   std::nullopt, {}, {}, {}};
  const std::string* rid = header(in, "x-request-id");
  ctx.request_id = rid && valid_request_id(*rid) ? *rid : util::new_uuid();
  ctx.client_address = client_address(in.remote, header(in, "x-forwarded-for"), trusted_proxies_);
  std::string route_for_log = "-";
  Response res;
  // Problem bodies carry client-safe text only: ApiError details and the fixed texts of
  // the SQLSTATE table. What a library or the database said goes to the log.
  std::string code, detail, error_log, extensions;
  std::map<std::string, std::string> tenant_headers;  // RateLimit-Policy, RateLimit
  const std::string* origin = header(in, "origin");
  const bool is_preflight = in.method == "OPTIONS" && origin && header(in, "access-control-request-method");
  try {
    res = is_preflight ? preflight(ctx, in, route_for_log) : run(ctx, in, route_for_log, tenant_headers);
  } catch (const ApiError& e) {
    res.status = e.status();
    res.headers = e.headers();
    code = e.code();
    detail = e.detail();
  } catch (const db::PoolTimeout& e) {
    res.status = 503;
    res.headers["Retry-After"] = "1";
    code = "database_busy";
    detail = "no database connection became free in time; retry shortly";
    error_log = e.what();
  } catch (const pqxx::broken_connection& e) {
    res.status = 503;
    res.headers["Retry-After"] = "1";
    code = "database_unavailable";
    detail = "the database is unavailable; retry shortly";
    error_log = e.what();
  } catch (const pqxx::sql_error& e) {
    // refused after tenantd.enter had accepted the key (a mismatch, a missing permission, bad
    // input found by the function): still a use of a valid key. TDB07 and TDU03 come before or
    // from the key check itself.
    if (e.sqlstate() != "TDU03" && e.sqlstate() != "TDB07") note_api_key_use(ctx);
    const SqlProblem p = problem_for_sqlstate(e.sqlstate());
    res.status = p.status;
    code = p.code;
    if (p.fixed_detail) {
      detail = p.fixed_detail;
    } else {
      // Our procedures' messages are written for clients; the first line only.
      std::string msg = e.what();
      if (msg.rfind("ERROR:  ", 0) == 0) msg = msg.substr(8);
      detail = msg.substr(0, msg.find('\n'));
      // our procedures' extension members (quota_exceeded: limit, used, metric, resets_at)
      if (e.sqlstate().rfind("TD", 0) == 0) extensions = problem_extensions_from_error(e.what());
    }
    if (res.status == 503) res.headers["Retry-After"] = "1";
    // The token verified but the database no longer backs it: the client signs in again.
    if (res.status == 401) res.headers["WWW-Authenticate"] = "Bearer error=\"invalid_token\"";
    error_log = e.sqlstate() + " " + e.what();
  } catch (const pqxx::transaction_rollback& e) {
    // a deadlock or serialization failure rolled the one statement back: nothing was done
    const SqlProblem p = problem_for_sqlstate(db::rollback_sqlstate(e));
    res.status = p.status;
    code = p.code;
    detail = p.fixed_detail ? p.fixed_detail : "internal error";
    if (res.status == 503) res.headers["Retry-After"] = "1";
    error_log = db::rollback_sqlstate(e) + " " + e.what();
  } catch (const std::exception& e) {
    res.status = 500;
    code = "internal_error";
    detail = "internal error";
    error_log = e.what();
  }
  if (!code.empty()) {
    res.body = problem_json(res.status, code, detail, in.path, ctx.request_id, extensions);
    res.content_type = "application/problem+json";
  }
  if (code == "quota_exceeded") count_quota_refusal(extensions);
  for (const auto& [name, value] : tenant_headers) res.headers.emplace(name, value);
  res.headers["X-Request-Id"] = ctx.request_id;
  // CORS: whether an answer carries Access-Control-Allow-Origin depends on the Origin, so every
  // answer says so to caches. An allowed origin's actual request gets its CORS headers whatever
  // the status (a front end reads the problem body too); any other origin gets none.
  auto vary = res.headers.find("Vary");
  if (vary == res.headers.end()) {
    res.headers["Vary"] = "Origin";
  } else if (vary->second.find("Origin") == std::string::npos) {
    vary->second += ", Origin";
  }
  if (origin && !is_preflight) {
    const std::vector<std::string> refs =
        Cors::request_refs(ctx.param("tenant"), header(in, "host"), svc_.config.base_domain,
                           svc_.config.tenant_subdomain_enabled, svc_.config.api_hostnames);
    if (cors_.allowed(*origin, refs)) Cors::add_response_headers(res.headers, *origin);
  }
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  // Unmatched paths share one label so that scanners cannot grow the series without bound.
  metrics().observe(route_for_log == "-" ? "-" : in.method,
                    route_for_log == "-" ? "unmatched" : route_for_log, res.status, us / 1e6);
  if (!error_log.empty()) {
    // Single line, JSON-escaped; may contain SQL text but never tokens (those are not in errors).
    error_log = ",\"error\":\"" + util::json_escape(error_log.substr(0, error_log.find('\n'))) + "\"";
  }
  spdlog::info(
      "\"msg\":\"request\",\"request_id\":\"{}\",\"method\":\"{}\",\"route\":\"{}\",\"status\":{},"
      "\"duration_ms\":{:.3f},\"tenant\":\"{}\"{}",
      util::json_escape(ctx.request_id), util::json_escape(in.method), util::json_escape(route_for_log),
      res.status, us / 1000.0, util::json_escape(ctx.tenant_id), error_log);
  return res;
}

}  // namespace tenantd
