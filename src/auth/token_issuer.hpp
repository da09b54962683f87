#pragma once
// Tokens the service issues at login: short-lived JWT access tokens signed with the first
// TOKEN_SIGNING_KEY (ES256 or EdDSA, with its kid; anyone can verify them against
// /.well-known/jwks.json) or, without one, with the HS256 secret; and opaque refresh tokens
// that the database stores only as SHA-256.

#include <cstdint>
#include <optional>
#include <string>

namespace tenantd::util {
struct Config;
}

namespace tenantd::auth {

class SigningKeys;

// An access token for a membership: sub = user id, tenant_id, role = the membership's role,
// iat = now, exp = now + access_token_ttl_seconds; iss/aud = JWT_ISSUER/JWT_AUDIENCE when
// configured, so the service's own JwtVerifier accepts it. Signed with keys->current() when
// `keys` holds any, else HS256. Throws std::invalid_argument when neither is configured
// (callers check can_issue_tokens first).
std::string issue_access_token(const util::Config& cfg, const SigningKeys* keys, const std::string& user_id,
                               const std::string& tenant_id, const std::string& role, int64_t now_unix);
bool can_issue_tokens(const util::Config& cfg, const SigningKeys* keys);

// A refresh token: "<tenant uuid>.<43 base64url characters = 256 random bits>". The tenant
// part lets the database look the token up inside that tenant's row-level security; only the
// random part is secret, and the stored hash covers the whole string.
std::string new_refresh_token(const std::string& tenant_id);
// The tenant of a well-formed refresh token (canonical uuid), or nullopt for anything else.
std::optional<std::string> refresh_token_tenant(const std::string& token);

// Lower-case hex of SHA-256(token): how refresh and invitation tokens are handed to SQL
// (decode(…, 'hex') there). Never log it either.
std::string token_hash_hex(const std::string& token);

// A valid scrypt hash of a random password, computed once: a login for an unknown user is
// verified against it so that it takes as long as one for a known user.
const std::string& dummy_password_hash();

}  // namespace tenantd::auth
