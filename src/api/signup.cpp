// POST /v1/signup (public): self-service sign-up (issue 5 §2). Answers 202 after one short
// transaction — api.signup creates the tenant as pending and enqueues its 'tenant.provision'
// job — and the job provisions it in the background (src/jobs/provisioning.cpp). Rules live in
// SQL; this file validates, hashes the password and makes the invitation nonce. docs/signup.md.
//
// A route that answers by itself (docs/architecture.md): two calls. Order of work, each step
// cheaper than the next: validation (400/422), the per-address rate limit
// (api.signup_rate_hit, its own tiny transaction, so refused and failed attempts count; 429 +
// Retry-After), scrypt of the password outside any transaction, then api.signup (one
// statement: Idempotency-Key replay or store, the sign-up itself).
//
// Without admin_password the admin gets an invitation whose token is shown once on
// GET /v1/tenant-status/{id} to the caller presenting this sign-up's Idempotency-Key: the token
// is base64url(HMAC-SHA256(key, "tenantd-signup-invitation:" + hex(nonce))) with a fresh random
// nonce; the database keeps only the nonce and SHA-256(token). Such a sign-up therefore needs
// an Idempotency-Key of at least 16 characters (a UUID, as the draft recommends).
#include "api/signup.hpp"

#include "api/input.hpp"
#include "api/reply.hpp"
#include "api/signup_token.hpp"
#include "auth/password.hpp"
#include "http/problem.hpp"
#include "util/config.hpp"
#include "util/hex.hpp"
#include "util/json.hpp"
#include "util/random.hpp"
#include "util/sha256.hpp"

namespace tenantd::api {

namespace {

constexpr size_t kMinInvitationKey = 16;

bool has_control_or_nul(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

namespace signup {

Response signup(RequestContext& ctx) {
  // A malformed Idempotency-Key was refused (400) by the dispatcher, which sends its hash in
  // the context (the route honours the header).
  if (!ctx.has_json) throw ApiError("body_required", "a JSON body is required");
  reject_unknown_fields(ctx, {"organization_name", "slug", "plan", "admin_email", "admin_password"});
  const std::string name = required_string(ctx, "organization_name", 200);
  const auto slug = optional_string(ctx, "slug", 63);
  const std::string plan = required_string(ctx, "plan", 63);
  const std::string email = required_string(ctx, "admin_email", 254);
  const auto password = optional_string(ctx, "admin_password", 1024);
  for (const auto* s : {&name, &plan, &email}) {
    if (s->find('\0') != std::string::npos)
      throw ApiError("invalid_text", "text fields must not contain NUL");
  }
  if (has_control_or_nul(plan) || has_control_or_nul(email) || (slug && has_control_or_nul(*slug))) {
    throw ApiError("invalid_text", "plan, slug and admin_email must not contain control characters");
  }
  if (name.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ApiError("validation_failed", "organization_name must not be empty");
  }
  if (slug && slug->empty()) throw ApiError("invalid_slug", "slug must not be empty");
  if (password && password->size() < 8) {
    throw ApiError("validation_failed", "admin_password must be at least 8 characters");
  }
  const std::string* key = ctx.header("idempotency-key");
  if (!password && (!key || key->size() < kMinInvitationKey)) {
    throw ApiError("idempotency_key_required",
                   "without admin_password the admin invitation token is shown only to the holder of this "
                   "sign-up's Idempotency-Key: send one of at least 16 characters (e.g. a UUID)");
  }

  // Per client address and minute, counted in the database (several processes, one limit).
  {
    const auto r = reply_object(db::call_api(ctx.svc.pool, "api.signup_rate_hit", ctx.context_json,
                                             {std::to_string(ctx.svc.config.signup_rate_per_minute)}, false),
                                "api.signup_rate_hit");
    auto it = r.FindMember("retry_after");
    const int retry_after = it != r.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : 0;
    if (retry_after > 0) {
      throw ApiError("rate_limited", "too many sign-ups from this address; retry later",
                     {{"Retry-After", std::to_string(retry_after)}});
    }
  }

  db::Arg password_hash, nonce_hex, token_hash_hex;
  if (password) {
    password_hash = auth::hash_password(*password);  // slow on purpose: outside the transaction
  } else {
    const std::string nonce = util::random_bytes(32);
    nonce_hex = "\\x" + util::hex_encode(nonce);
    token_hash_hex =
        "\\x" + util::hex_encode(util::sha256_raw(signup_invitation_token(signup_key_value(*key), nonce)));
  }

  db::Reply reply = db::call_api(ctx.svc.pool, "api.signup", ctx.context_json,
                                 {name, slug, plan, email, password_hash, nonce_hex, token_hash_hex}, false);
  ctx.tenant_id = reply_string(reply_object(reply, "api.signup"), "tenant_id");  // access log
  return reply_response(std::move(reply));
}

}  // namespace signup

}  // namespace tenantd::api
