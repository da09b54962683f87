#include "auth/token_issuer.hpp"

#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "auth/signing_keys.hpp"
#include "util/config.hpp"
#include "util/random.hpp"
#include "util/sha256.hpp"
#include "util/uuid.hpp"

namespace tenantd::auth {

bool can_issue_tokens(const util::Config& cfg, const SigningKeys* keys) {
  return (keys != nullptr && !keys->empty()) || !cfg.jwt_hs256_secret.empty();
}

std::string issue_access_token(const util::Config& cfg, const SigningKeys* keys, const std::string& user_id,
                               const std::string& tenant_id, const std::string& role, int64_t now_unix) {
  if (keys != nullptr && !keys->empty()) {
    return keys->current().sign(access_claims_json(user_id, tenant_id, role, now_unix,
                                                   now_unix + cfg.access_token_ttl_seconds, cfg.jwt_issuer,
                                                   cfg.jwt_audience));
  }
  return mint_hs256(cfg.jwt_hs256_secret, user_id, tenant_id, role, now_unix,
                    now_unix + cfg.access_token_ttl_seconds, cfg.jwt_issuer, cfg.jwt_audience);
}

std::string new_refresh_token(const std::string& tenant_id) {
  return util::canonical_uuid(tenant_id) + "." + util::random_token_b64url(32);
}

std::optional<std::string> refresh_token_tenant(const std::string& token) {
  // 36 (uuid) + 1 + 43 (base64url of 32 bytes, unpadded)
  if (token.size() != 80 || token[36] != '.') return std::nullopt;
  const std::string tenant = token.substr(0, 36);
  if (!util::is_uuid(tenant)) return std::nullopt;
  for (size_t i = 37; i < token.size(); ++i) {
    const char c = token[i];
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return std::nullopt;
  }
  return util::canonical_uuid(tenant);
}

std::string token_hash_hex(const std::string& token) {
  return util::sha256_hex(token);
}

const std::string& dummy_password_hash() {
  // Thread-safe static initialisation; computed on the first login for an unknown user.
  static const std::string hash = hash_password(util::random_token_b64url(16));
  return hash;
}

}  // namespace tenantd::auth
