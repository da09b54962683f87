// GET /.well-known/jwks.json: the public keys that verify the access tokens this service signs
// (TOKEN_SIGNING_KEY), so another service can check them without holding any secret. Answers by
// itself: the keys live in the process, not in the database. HS256 secrets are never published;
// a service without signing keys answers an empty set.
#include "api/jwks.hpp"

#include "auth/signing_keys.hpp"
#include "http/services.hpp"

namespace tenantd::api {

namespace jwks {

Response get(RequestContext& ctx) {
  const auth::SigningKeys* keys = ctx.svc.signing_keys;
  Response res{200, keys != nullptr ? keys->jwks_json() : std::string(R"({"keys":[]})")};
  res.content_type = "application/jwk-set+json";
  // Verifiers may cache it briefly; a rotation adds the new key here before it signs, so a
  // few minutes of caching never hides a signing key (docs/api/token-signing.md).
  res.headers["Cache-Control"] = "public, max-age=300";
  return res;
}

}  // namespace jwks

}  // namespace tenantd::api
