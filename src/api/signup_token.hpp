#pragma once
// The sign-up admin invitation token (docs/signup.md): derived, never stored.
//   token = base64url(HMAC-SHA256(Idempotency-Key, "tenantd-signup-invitation:" + hex(nonce)))
// with a random 32-byte nonce per sign-up. POST /v1/signup stores the nonce and SHA-256(token);
// GET /v1/tenant-status/{id} recomputes the token from the stored nonce and the key the caller
// presents, and shows it once when its SHA-256 matches.
#include <string>

#include "util/base64url.hpp"
#include "util/hex.hpp"
#include "util/sha256.hpp"

namespace tenantd::api {

// The Idempotency-Key header value as api/idempotency.cpp reads it (structured-field quotes off).
inline std::string signup_key_value(const std::string& header) {
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"')
    return header.substr(1, header.size() - 2);
  return header;
}

inline std::string signup_invitation_token(const std::string& key, const std::string& nonce_raw) {
  return util::base64url_encode(
      util::hmac_sha256_raw(key, "tenantd-signup-invitation:" + util::hex_encode(nonce_raw)));
}

}  // namespace tenantd::api
