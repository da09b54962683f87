#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tenantd::auth {

// The JWS algorithms this service accepts. Anything else, "none" included, has no enumerator, so it
// cannot be selected by accident.
enum class Algorithm { kHs256, kRs256, kEs256, kEdDsa };

// Exact, case-sensitive match on the JWS "alg" names "HS256", "RS256", "ES256", "EdDSA"; nullopt otherwise.
std::optional<Algorithm> parse_algorithm(std::string_view name);
const char* algorithm_name(Algorithm alg);

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* pkey) const noexcept;
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// A public verification key bound to exactly one asymmetric algorithm (RS256, ES256 or EdDSA). The binding
// is fixed at load time from the key's own type, never from a token header.
class Key {
 public:
  // Throws std::runtime_error (naming kid and source) when pkey is not a valid public key for `algorithm`:
  // RSA of at least 2048 bits for RS256, EC on P-256 for ES256, Ed25519 for EdDSA.
  Key(std::string kid, Algorithm algorithm, EvpPkeyPtr pkey, const std::string& source = "key store");

  const std::string& kid() const { return kid_; }
  Algorithm algorithm() const { return algorithm_; }
  // The key is only read after construction, so several threads may verify with it at once.
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  std::string kid_;
  Algorithm algorithm_;
  EvpPkeyPtr pkey_;
};

// Loads the first "PUBLIC KEY" (SubjectPublicKeyInfo) PEM block; the algorithm follows from the key type
// (RSA -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA). `source` names the origin in error messages.
// Throws std::runtime_error naming kid and source on any problem.
Key key_from_pem(const std::string& kid, std::string_view pem, const std::string& source = "PEM data");
Key key_from_pem_file(const std::string& kid, const std::string& path);

// The algorithm a key's own type implies (RSA -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA), for public
// and private keys alike; throws std::runtime_error naming kid and source for any other key.
Algorithm algorithm_of_key(EVP_PKEY* pkey, const std::string& kid, const std::string& source);
// A key file's text (at most 1 MiB); throws std::runtime_error naming `what` and path.
std::string read_key_file(const std::string& path, const std::string& what);

// Parses a JWKS document ({"keys":[...]}). Keys whose "use" is not "sig" are skipped; every other key
// must be RSA (n,e), EC P-256 (x,y) or OKP Ed25519 (x), and a present "alg" must agree with that.
// Throws std::runtime_error naming source and the offending key (kid or index).
std::vector<Key> keys_from_jwks(std::string_view json, const std::string& source = "JWKS");
std::vector<Key> keys_from_jwks_file(const std::string& path);

// Checks a JWS signature (raw JWS form: r||s for ES256) over signing_input with key, using only the key's
// own algorithm. Returns false on any mismatch or malformed signature; never throws for bad input.
bool verify_signature(const Key& key, std::string_view signing_input, std::string_view signature);

class KeyStore {
 public:
  // Throws std::runtime_error when key has a kid that is already loaded.
  void add(Key key);
  // JWT_PUBLIC_KEYS format: comma-separated "kid=path/to/key.pem" entries; blank entries are ignored.
  void load_pem_list(std::string_view spec);
  // Throws when the file holds no usable signing key: a configured but useless JWKS is a mistake.
  void load_jwks_file(const std::string& path);

  // nullptr when no loaded key has this (non-empty) kid.
  const Key* find(std::string_view kid) const;
  // The only key of this algorithm, or nullptr when there are none or several (ambiguity fails closed).
  const Key* sole_key_for(Algorithm alg) const;

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }

 private:
  std::vector<Key> keys_;
};

}  // namespace tenantd::auth
