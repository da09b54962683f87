// GET /v1/tenant-status/{id} (public) and GET /v1/tenant-status (the caller's tenant): where a
// tenant is on its way from sign-up to active (issue 5 §4). Status, provisioning phase, error
// code, attempts and timestamps only — no name, slug or anything else (tenantd.tenant_status).
//
// The public route also shows the sign-up's admin invitation token, once, to the caller that
// presents the sign-up's Idempotency-Key (header Idempotency-Key, the same value): the token is
// recomputed in SQL from the stored nonce and the key (tenantd.reveal_signup_token, the same
// derivation as api/signup_token.hpp) and shown only when its SHA-256 matches, marked revealed
// in the same statement. A wrong key shows nothing and is not an error (the answer does not say
// whether a token waits for someone else).
#include "api/tenant_status.hpp"

#include "api/signup_token.hpp"
#include "http/problem.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::tenant_status {

// api.tenant_status(ctx, tenant, key)
std::vector<db::Arg> public_status(RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("tenant_not_found", "no such tenant");
  db::Arg key;
  if (const std::string* k = ctx.header("idempotency-key")) key = signup_key_value(*k);
  ctx.tenant_id = util::canonical_uuid(id);
  return {util::canonical_uuid(id), key};
}

// api.own_tenant_status(ctx): the tenant is the one the request acts in
std::vector<db::Arg> own_status(RequestContext&) {
  return {};
}

}  // namespace tenantd::api::tenant_status
