// /v1/auth: login (token), refresh (rotation with reuse detection), logout. All public: the
// credential is in the body (password or refresh token), and no tenant context exists yet.
// Every answer that carries tokens is Cache-Control: no-store (RFC 6749 §5.1).
#include <ctime>

#include "api/input.hpp"
#include "api/auth.hpp"
#include "auth/password.hpp"
#include "auth/token_issuer.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/uuid.hpp"

namespace tenantd::api {

namespace {

ApiError invalid_credentials() {
  return ApiError("invalid_credentials", "the tenant, email or password is wrong");
}

ApiError invalid_refresh_token() {
  return ApiError("invalid_refresh_token", "the refresh token is invalid, expired or revoked");
}

void require_issuer(const RequestContext& ctx) {
  if (!auth::can_issue_tokens(ctx.svc.config)) {
    throw ApiError("login_unavailable",
                   "this service has no HS256 key (JWT_HS256_SECRET) to sign tokens with");
  }
}

db::TenantContext public_context(const RequestContext& ctx) {
  db::TenantContext c;
  c.request_id = ctx.request_id;
  c.route = ctx.method + " " + ctx.route;
  return c;
}

Response token_response(const RequestContext& ctx, const std::string& user_id, const std::string& tenant_id,
                        const std::string& role, const std::string& refresh_token) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  util::JsonOut j;
  j.begin_object()
      .str("access_token", auth::issue_access_token(ctx.svc.config, user_id, tenant_id, role, now))
      .str("token_type", "Bearer")
      .integer("expires_in", ctx.svc.config.access_token_ttl_seconds)
      .str("refresh_token", refresh_token)
      .integer("refresh_expires_in", static_cast<int64_t>(ctx.svc.config.refresh_token_ttl_days) * 86400)
      .end_object();
  Response res{200, j.take()};
  res.headers["Cache-Control"] = "no-store";
  res.headers["Pragma"] = "no-cache";
  return res;
}

}  // namespace

namespace tokens {

// POST /v1/auth/token {tenant, email, password}
Response login(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"tenant", "email", "password"});
  const std::string tenant = required_string(ctx, "tenant", 64);
  const std::string email = required_string(ctx, "email", 254);
  const std::string password = required_string(ctx, "password", 1024);
  require_issuer(ctx);

  // Round trip 1: tenant, lockout, attempt recorded as failed, and the scrypt parameters and salt
  // of this tenant's credential for that email (a dummy salt when there is none). The stored hash
  // never leaves the database.
  std::string outcome, attempt_id, tenant_id, key_params;
  int retry_after = 0;
  {
    db::TenantTx tx(ctx.svc.pool, public_context(ctx));
    auto r = tx.exec_prepared("auth_login_begin", tenant, email);
    if (r.size() != 1) throw std::runtime_error("auth_login_begin returned no row");
    tx.commit();
    const auto& row = r[0];
    outcome = row[0].c_str();
    if (!row[1].is_null()) retry_after = row[1].as<int>();
    if (!row[2].is_null()) attempt_id = row[2].c_str();
    if (!row[3].is_null()) tenant_id = row[3].c_str();
    if (!row[4].is_null()) key_params = row[4].c_str();
  }
  ctx.tenant_id = tenant_id;
  if (outcome == "locked") {
    throw ApiError(
        "too_many_attempts",
        "too many failed logins for this account; retry after " + std::to_string(retry_after) + " seconds",
        {{"Retry-After", std::to_string(retry_after)}});
  }

  // The key derivation, outside any transaction (scrypt is slow on purpose). Unknown tenant,
  // unknown email, no password set and a wrong password all cost one scrypt and get one answer.
  // An unknown tenant has no parameters: the dummy hash's stand in.
  if (outcome != "check") {
    auth::verify_password(password, auth::dummy_password_hash());
    throw invalid_credentials();
  }
  const auto derived = auth::derive_password_hash(password, key_params);
  if (!derived) throw invalid_credentials();

  // Round trip 2: the database compares the derived hash with the membership's credential; on a
  // match the attempt becomes a success and a session family starts.
  const std::string refresh = auth::new_refresh_token(tenant_id);
  db::TenantTx tx(ctx.svc.pool, public_context(ctx));
  auto r = tx.exec_prepared("auth_login_complete", attempt_id, tenant_id, *derived,
                            auth::token_hash_hex(refresh), ctx.svc.config.refresh_token_ttl_days);
  if (r.size() != 1) throw std::runtime_error("auth_login_complete returned no row");
  // Committed whatever the outcome: a wrong guess has just spent its attempt.
  tx.commit();
  const std::string result = r[0][0].c_str();
  // Only someone who knows the password learns these.
  if (result == "user_disabled") throw ApiError("user_disabled", "this account is disabled");
  if (result == "tenant_suspended") throw ApiError("tenant_suspended", "the tenant is suspended");
  if (result != "ok") throw invalid_credentials();
  return token_response(ctx, r[0][3].c_str(), tenant_id, r[0][4].c_str(), refresh);
}

// POST /v1/auth/refresh {refresh_token}
Response refresh(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"refresh_token"});
  const std::string old_token = required_string(ctx, "refresh_token", 256);
  require_issuer(ctx);
  const auto tenant_id = auth::refresh_token_tenant(old_token);
  if (!tenant_id) throw invalid_refresh_token();
  const std::string next = auth::new_refresh_token(*tenant_id);
  db::TenantTx tx(ctx.svc.pool, public_context(ctx));
  auto r = tx.exec_prepared("auth_refresh", *tenant_id, auth::token_hash_hex(old_token),
                            auth::token_hash_hex(next), ctx.svc.config.refresh_token_ttl_days);
  if (r.size() != 1) throw std::runtime_error("auth_refresh returned no row");
  // Committed whatever the outcome: a detected reuse has just revoked the family.
  tx.commit();
  ctx.tenant_id = *tenant_id;
  const std::string outcome = r[0][0].c_str();
  if (outcome == "reuse") {
    throw ApiError("refresh_token_reused",
                   "this refresh token was already used; every token of its session has been revoked");
  }
  if (outcome == "tenant_suspended") throw ApiError("tenant_suspended", "the tenant is suspended");
  if (outcome != "ok") throw invalid_refresh_token();
  return token_response(ctx, r[0][1].c_str(), *tenant_id, r[0][2].c_str(), next);
}

// POST /v1/auth/logout {refresh_token}: 204 whether or not the token was live (RFC 7009 §2.2).
Response logout(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"refresh_token"});
  const std::string token = required_string(ctx, "refresh_token", 256);
  if (const auto tenant_id = auth::refresh_token_tenant(token)) {
    db::TenantTx tx(ctx.svc.pool, public_context(ctx));
    tx.exec_prepared("auth_logout", *tenant_id, auth::token_hash_hex(token));
    tx.commit();
    ctx.tenant_id = *tenant_id;
  }
  Response res{204, ""};
  res.headers["Cache-Control"] = "no-store";
  return res;
}

}  // namespace tokens

void add_auth_statements() {
  db::add_statements({
      {"auth_login_begin",
       "select outcome, retry_after, attempt_id, tenant_id, key_params from api.auth_login_begin($1, $2)"},
      {"auth_login_complete",
       "select outcome, session_id, family_id, user_id, role, expires_at "
       "from api.auth_login_complete($1::uuid, $2::uuid, $3, decode($4, 'hex'), $5::int)"},
      {"auth_refresh",
       "select outcome, user_id, role, session_id from api.auth_refresh($1::uuid, decode($2, 'hex'), "
       "decode($3, 'hex'), $4::int)"},
      {"auth_logout", "select api.auth_logout($1::uuid, decode($2, 'hex'))"},
  });
}


}  // namespace tenantd::api
