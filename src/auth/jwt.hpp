#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.hpp"
#include "auth/provider_claims.hpp"

namespace tenantd::auth {

class RemoteJwks;

struct Claims {
  std::string sub;
  std::optional<std::string> tenant_id;  // from "tenant_id", else from "org_id"
  std::string role;                      // "role" claim; "member" when absent
  std::optional<int64_t> exp, nbf, iat;
  std::string iss;
  std::vector<std::string> aud;  // "aud" may be a string or an array of strings
  // Signed by an identity provider's key (not by tenantd's own HS256 secret or signing keys):
  // tenant_id and role were read as ProviderClaims says.
  bool from_provider = false;
  // JWT_SUBJECT_KIND=external and from_provider: sub and tenant_id are the provider's ids.
  bool external_subject = false;
};

// Every verification failure. code() is a stable snake_case word: malformed_token, unsupported_algorithm,
// unknown_key, bad_signature, token_expired, token_not_yet_valid, token_issued_in_future, bad_issuer,
// bad_audience, missing_claim, invalid_claim. what() is a short message that never quotes the token, any
// claim or header value, or key material, so it is safe to log and to return to clients.
class JwtError : public std::runtime_error {
 public:
  JwtError(std::string code, const std::string& msg);
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct VerifierConfig {
  std::string hs256_secret;     // JWT_HS256_SECRET; empty = HS256 disabled
  std::string public_keys;      // JWT_PUBLIC_KEYS: comma-separated "kid=path/to/key.pem"
  std::string jwks_file;        // JWT_JWKS_FILE: path to a JWKS JSON file
  std::string issuer;           // JWT_ISSUER: checked when non-empty
  std::string audience;         // JWT_AUDIENCE: checked when non-empty
  int64_t leeway_seconds = 60;  // clamped to [0, 60]
  // How tokens signed by the provider keys above (not HS256, not add_key) are read.
  ProviderClaims provider;
};

// Compact JWS tokens longer than this are rejected before any decoding.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;
// Clock skew tolerated on exp/nbf/iat; configuration cannot raise it beyond this.
inline constexpr int64_t kMaxLeewaySeconds = 60;

class JwtVerifier {
 public:
  // Loads all keys; throws std::runtime_error naming the file/kid on unreadable or invalid key config.
  explicit JwtVerifier(const VerifierConfig& cfg);

  // Verifies signature first, then claims. Throws JwtError on any failure. Immutable after construction,
  // so concurrent calls from many threads are safe.
  Claims verify(std::string_view token, int64_t now_unix) const;

  bool has_any_key() const;
  // Adds a verification key during start-up (the public halves of TOKEN_SIGNING_KEY, so the
  // service accepts its own tokens). Not thread-safe: call before the first verify().
  void add_key(Key key);
  // JWT_JWKS_URL: keys fetched and refreshed by `remote`, consulted for tokens whose kid no
  // configured key has (a token of a remote key must name its kid). Set during start-up only.
  void set_remote_jwks(std::shared_ptr<RemoteJwks> remote);

 private:
  std::string hs256_secret_;
  KeyStore keys_;
  std::set<std::string> own_kids_;  // add_key: tenantd's own signing keys
  ProviderClaims provider_;
  std::shared_ptr<RemoteJwks> remote_;
  std::string issuer_;
  std::string audience_;
  int64_t leeway_seconds_;
};

// The claims of an access token as JSON: sub, tenant_id (when set), role (when non-empty), iat, exp,
// iss and aud (when non-empty). Shared by the HS256 and the asymmetric signers.
std::string access_claims_json(const std::string& sub, const std::optional<std::string>& tenant_id,
                               const std::string& role, int64_t iat, int64_t exp, const std::string& iss = "",
                               const std::string& aud = "");

// Dev helper for `tenantd token`: builds {"alg":"HS256","typ":"JWT"} + claims and signs. tenant_id, iss
// and aud are emitted only when set/non-empty; role only when non-empty. Throws std::invalid_argument for
// an empty secret.
std::string mint_hs256(const std::string& secret, const std::string& sub,
                       const std::optional<std::string>& tenant_id, const std::string& role, int64_t iat,
                       int64_t exp, const std::string& iss = "", const std::string& aud = "");

}  // namespace tenantd::auth
