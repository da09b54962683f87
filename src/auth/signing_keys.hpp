#pragma once
// The service's own asymmetric signing keys (TOKEN_SIGNING_KEY): ES256 (EC P-256) or EdDSA
// (Ed25519) private keys, each with a kid. The first key signs; every key's public half is
// published at /.well-known/jwks.json and verifies, so a key that stops signing keeps its
// tokens valid until they expire (rotation: put the new key first, drop the old one later).
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.hpp"

namespace tenantd::auth {

class SigningKey {
 public:
  SigningKey(std::string kid, Algorithm algorithm, EvpPkeyPtr private_key);
  const std::string& kid() const { return kid_; }
  Algorithm algorithm() const { return algorithm_; }
  // A compact JWS over payload_json with header {"alg","typ":"JWT","kid"}. ES256 signatures are
  // the raw r||s form JWS requires (RFC 7518 §3.4), not OpenSSL's DER.
  std::string sign(std::string_view payload_json) const;
  // The public half as a verification key (what the verifier and the JWKS hold).
  Key public_key() const;
  // The public half as a JWK object: kty, crv, x (and y), kid, alg, use = sig.
  std::string jwk_json() const;

 private:
  std::string kid_;
  Algorithm algorithm_;
  EvpPkeyPtr pkey_;
};

class SigningKeys {
 public:
  // TOKEN_SIGNING_KEY: comma-separated "kid=path/to/private.pem" entries, the first signs.
  // Throws std::runtime_error naming the entry on an unreadable file, a key that is not a private
  // EC P-256 or Ed25519 key (RSA and HS256 are refused: the issue asks for ES256 or EdDSA), an
  // empty or repeated kid.
  static SigningKeys load(std::string_view spec);
  // The same from PEM text already in memory (tests): (kid, pem) pairs.
  static SigningKeys from_pem(const std::vector<std::pair<std::string, std::string>>& kid_pem);

  bool empty() const { return keys_.empty(); }
  const SigningKey& current() const { return keys_.front(); }
  const std::vector<SigningKey>& all() const { return keys_; }
  // {"keys":[…]}: every key's public JWK, the signing one first. Empty list without keys.
  std::string jwks_json() const;

 private:
  void add(SigningKey key);
  std::vector<SigningKey> keys_;
};

}  // namespace tenantd::auth
