// /v1/auth: login (token), refresh (rotation with reuse detection), logout. All public: the
// credential is in the body (password or refresh token), and no tenant context exists yet.
// Every answer that carries tokens is Cache-Control: no-store (RFC 6749 §5.1).
// The work is in SQL (api.auth_*, sql/83). Logout is an ordinary route (one call); login and
// refresh answer by themselves (docs/architecture.md): their answers carry an access token the
// service signs (the key is not in the database), and login derives the password key between
// its two calls, outside any transaction.
#include "api/auth.hpp"

#include <ctime>

#include "api/input.hpp"
#include "api/reply.hpp"
#include "auth/password.hpp"
#include "auth/token_issuer.hpp"
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
  if (!auth::can_issue_tokens(ctx.svc.config, ctx.svc.signing_keys)) {
    throw ApiError("login_unavailable",
                   "this service has no key (TOKEN_SIGNING_KEY or JWT_HS256_SECRET) to sign tokens with");
  }
}

Response token_response(const RequestContext& ctx, const std::string& user_id, const std::string& tenant_id,
                        const std::string& role, const std::string& refresh_token) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  util::JsonOut j;
  j.begin_object()
      .str("access_token",
           auth::issue_access_token(ctx.svc.config, ctx.svc.signing_keys, user_id, tenant_id, role, now))
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
  const auto begin = reply_object(
      db::call_api(ctx.svc.pool, "api.auth_login_begin", ctx.context_json, {tenant, email}, false),
      "api.auth_login_begin");
  const std::string outcome = reply_string(begin, "outcome");
  const std::string attempt_id = reply_string(begin, "attempt_id");
  const std::string tenant_id = reply_string(begin, "tenant_id");
  const std::string key_params = reply_string(begin, "key_params");
  int retry_after = 0;
  if (auto it = begin.FindMember("retry_after"); it != begin.MemberEnd() && it->value.IsInt()) {
    retry_after = it->value.GetInt();
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
  // Committed whatever the outcome: a wrong guess has just spent its attempt.
  const auto done =
      reply_object(db::call_api(ctx.svc.pool, "api.auth_login_complete", ctx.context_json,
                                {attempt_id, tenant_id, *derived, "\\x" + auth::token_hash_hex(refresh),
                                 std::to_string(ctx.svc.config.refresh_token_ttl_days)},
                                false),
                   "api.auth_login_complete");
  const std::string result = reply_string(done, "outcome");
  // Only someone who knows the password learns these.
  if (result == "user_disabled") throw ApiError("user_disabled", "this account is disabled");
  if (result == "tenant_suspended") throw ApiError("tenant_suspended", "the tenant is suspended");
  if (result != "ok") throw invalid_credentials();
  return token_response(ctx, reply_string(done, "user_id"), tenant_id, reply_string(done, "role"), refresh);
}

// POST /v1/auth/refresh {refresh_token}
Response refresh(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"refresh_token"});
  const std::string old_token = required_string(ctx, "refresh_token", 256);
  require_issuer(ctx);
  const auto tenant_id = auth::refresh_token_tenant(old_token);
  if (!tenant_id) throw invalid_refresh_token();
  const std::string next = auth::new_refresh_token(*tenant_id);
  // Committed whatever the outcome: a detected reuse has just revoked the family.
  const auto r = reply_object(
      db::call_api(ctx.svc.pool, "api.auth_refresh", ctx.context_json,
                   {*tenant_id, "\\x" + auth::token_hash_hex(old_token), "\\x" + auth::token_hash_hex(next),
                    std::to_string(ctx.svc.config.refresh_token_ttl_days)},
                   false),
      "api.auth_refresh");
  ctx.tenant_id = *tenant_id;
  const std::string outcome = reply_string(r, "outcome");
  if (outcome == "reuse") {
    throw ApiError("refresh_token_reused",
                   "this refresh token was already used; every token of its session has been revoked");
  }
  if (outcome == "tenant_suspended") throw ApiError("tenant_suspended", "the tenant is suspended");
  if (outcome != "ok") throw invalid_refresh_token();
  return token_response(ctx, reply_string(r, "user_id"), *tenant_id, reply_string(r, "role"), next);
}

// api.auth_logout(ctx, tenant_id, refresh_hash): POST /v1/auth/logout {refresh_token}; 204
// whether or not the token was live (RFC 7009 §2.2). A token whose tenant cannot be read is
// sent as NULLs: the answer is the same.
std::vector<db::Arg> logout(RequestContext& ctx) {
  reject_unknown_fields(ctx, {"refresh_token"});
  const std::string token = required_string(ctx, "refresh_token", 256);
  const auto tenant_id = auth::refresh_token_tenant(token);
  if (!tenant_id) return {std::nullopt, std::nullopt};
  return {*tenant_id, "\\x" + auth::token_hash_hex(token)};
}

}  // namespace tokens

}  // namespace tenantd::api
