// POST /v1/signup (public): self-service sign-up (issue 5 §2). Answers 202 after one short
// transaction — api.signup creates the tenant as pending and enqueues its 'tenant.provision'
// job — and the job provisions it in the background (src/jobs/provisioning.cpp). Rules live in
// SQL; this file validates, hashes the password, rate-limits and shapes JSON. docs/signup.md.
//
// Order of work, each step cheaper than the next: validation (400/422), the per-address rate
// limit (its own tiny transaction, so refused and failed attempts count; 429 + Retry-After),
// scrypt of the password outside any transaction, then one transaction: Idempotency-Key
// begin, api.signup, Idempotency-Key finish, commit.
//
// Without admin_password the admin gets an invitation whose token is shown once on
// GET /v1/tenant-status/{id} to the caller presenting this sign-up's Idempotency-Key: the token
// is base64url(HMAC-SHA256(key, "tenantd-signup-invitation:" + hex(nonce))) with a fresh random
// nonce; the database keeps only the nonce and SHA-256(token). Such a sign-up therefore needs
// an Idempotency-Key of at least 16 characters (a UUID, as the draft recommends).
#include "api/signup.hpp"

#include "api/idempotency.hpp"
#include "api/input.hpp"
#include "api/signup_token.hpp"
#include "auth/password.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
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
  const Idempotency idem = idempotency_for(ctx);  // 400 for a malformed key
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
  if (!password && (!idem.active() || !key || key->size() < kMinInvitationKey)) {
    throw ApiError("idempotency_key_required",
                   "without admin_password the admin invitation token is shown only to the holder of this "
                   "sign-up's Idempotency-Key: send one of at least 16 characters (e.g. a UUID)");
  }

  // Per client address and minute, counted in the database (several processes, one limit).
  {
    db::TenantTx rate(ctx.svc.pool, ctx.tenant_ctx);
    auto r = rate.exec_prepared("signup_rate_hit", ctx.client_address, ctx.svc.config.signup_rate_per_minute);
    rate.commit();
    const int retry_after = r[0][0].as<int>();
    if (retry_after > 0) {
      throw ApiError("rate_limited", "too many sign-ups from this address; retry later",
                     {{"Retry-After", std::to_string(retry_after)}});
    }
  }

  std::string password_hash, nonce_hex, token_hash_hex;
  if (password) {
    password_hash = auth::hash_password(*password);  // slow on purpose: outside the transaction
  } else {
    const std::string nonce = util::random_bytes(32);
    nonce_hex = util::hex_encode(nonce);
    token_hash_hex =
        util::hex_encode(util::sha256_raw(signup_invitation_token(signup_key_value(*key), nonce)));
  }

  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  if (auto replay = idem.begin(tx)) return *replay;
  auto r = tx.exec_prepared("signup", name, slug.value_or(""), plan, email, password_hash, nonce_hex,
                            token_hash_hex);
  if (r.size() != 1) throw std::runtime_error("api.signup returned no row");
  const std::string id = r[0][0].c_str();
  ctx.tenant_id = id;
  util::JsonOut j;
  j.begin_object()
      .str("tenant_id", id)
      .str("status", r[0][1].c_str())
      .str("status_url", "/v1/tenant-status/" + id)
      .str("admin", password ? "password" : "invitation")
      .end_object();
  Response res{202, j.take()};
  res.headers["Location"] = "/v1/tenant-status/" + id;
  idem.finish(tx, res);
  tx.commit();
  return res;
}

}  // namespace signup

void add_signup_statements() {
  db::add_statements({
      {"signup_rate_hit", "select api.signup_rate_hit($1, $2::int)"},
      {"signup",
       "select tenant_id, status, created from api.signup($1, nullif($2, ''), $3, $4, nullif($5, ''), null,"
       " decode(nullif($6, ''), 'hex'), decode(nullif($7, ''), 'hex'))"},
  });
}

}  // namespace tenantd::api
