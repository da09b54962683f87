#include "auth/signing_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>
#include <new>
#include <stdexcept>

#include "auth/openssl_ptr.hpp"
#include "util/base64url.hpp"
#include "util/json.hpp"

namespace tenantd::auth {
namespace {

constexpr size_t kP256CoordinateBytes = 32;

[[noreturn]] void key_error(const std::string& kid, const std::string& why) {
  ERR_clear_error();
  throw std::runtime_error("TOKEN_SIGNING_KEY '" + kid + "': " + why);
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// A kid ends up in token headers and in the published JWKS: keep it to a plain token.
bool valid_kid(const std::string& kid) {
  if (kid.empty() || kid.size() > 64) return false;
  for (char c : kid) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

EvpPkeyPtr private_key_from_pem(const std::string& kid, const std::string& pem) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) key_error(kid, "PEM data too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) key_error(kid, "no unencrypted private key PEM block found");
  return pkey;
}

std::string bn_fixed(const BIGNUM* bn, size_t width) {
  std::string out(width, '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(width)) < 0) {
    throw std::runtime_error("signing: a number does not fit its field");
  }
  return out;
}

std::string digest_sign(EVP_PKEY* pkey, const char* digest, std::string_view tbs) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::bad_alloc();
  size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(tbs.data());
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, tbs.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("signing: OpenSSL refused to sign");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, tbs.size()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("signing: OpenSSL refused to sign");
  }
  sig.resize(len);
  return sig;
}

// OpenSSL's ECDSA signature is DER SEQUENCE{r, s}; JWS wants r and s as two 32-byte numbers.
std::string der_to_raw_es256(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("signing: malformed ECDSA signature from OpenSSL");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return bn_fixed(r, kP256CoordinateBytes) + bn_fixed(s, kP256CoordinateBytes);
}

std::string bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1 || raw == nullptr) {
    ERR_clear_error();
    throw std::runtime_error("signing key: cannot read its public point");
  }
  BnPtr bn(raw);
  return bn_fixed(bn.get(), kP256CoordinateBytes);
}

}  // namespace

SigningKey::SigningKey(std::string kid, Algorithm algorithm, EvpPkeyPtr private_key)
    : kid_(std::move(kid)), algorithm_(algorithm), pkey_(std::move(private_key)) {
  if (!valid_kid(kid_)) key_error(kid_, "a kid is 1-64 characters of A-Z a-z 0-9 - _ .");
  if (algorithm_ != Algorithm::kEs256 && algorithm_ != Algorithm::kEdDsa) {
    key_error(kid_, "own tokens are signed with ES256 (EC P-256) or EdDSA (Ed25519) keys only");
  }
  if (algorithm_of_key(pkey_.get(), kid_, "TOKEN_SIGNING_KEY") != algorithm_) {
    key_error(kid_, "key type does not match its algorithm");
  }
  // A sign-and-verify round trip at load time: a key that cannot sign stops start-up, not a login.
  const std::string jws = sign("{}");
  const auto dot = jws.rfind('.');
  const auto sig = util::base64url_decode(std::string_view(jws).substr(dot + 1));
  if (!sig || !verify_signature(public_key(), std::string_view(jws).substr(0, dot), *sig)) {
    key_error(kid_, "the key does not verify its own signature");
  }
}

std::string SigningKey::sign(std::string_view payload_json) const {
  util::JsonOut h;
  h.begin_object().str("alg", algorithm_name(algorithm_)).str("typ", "JWT").str("kid", kid_).end_object();
  const std::string signing_input =
      util::base64url_encode(h.take()) + "." + util::base64url_encode(payload_json);
  std::string sig = algorithm_ == Algorithm::kEs256
                        ? der_to_raw_es256(digest_sign(pkey_.get(), "SHA256", signing_input))
                        : digest_sign(pkey_.get(), nullptr, signing_input);
  return signing_input + "." + util::base64url_encode(sig);
}

Key SigningKey::public_key() const {
  // Through SubjectPublicKeyInfo DER, so the verification key holds no private material.
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey_.get(), &der);
  if (len <= 0) key_error(kid_, "cannot export the public key");
  const unsigned char* p = der;
  EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, len));
  OPENSSL_free(der);
  if (!pub) key_error(kid_, "cannot re-read the public key");
  return Key(kid_, algorithm_, std::move(pub), "TOKEN_SIGNING_KEY");
}

std::string SigningKey::jwk_json() const {
  util::JsonOut j;
  j.begin_object();
  if (algorithm_ == Algorithm::kEs256) {
    j.str("kty", "EC").str("crv", "P-256");
    j.str("x", util::base64url_encode(bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X)));
    j.str("y", util::base64url_encode(bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y)));
  } else {
    std::string raw(32, '\0');
    size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey_.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) != 1) {
      key_error(kid_, "cannot read the Ed25519 public key");
    }
    raw.resize(len);
    j.str("kty", "OKP").str("crv", "Ed25519").str("x", util::base64url_encode(raw));
  }
  j.str("kid", kid_).str("alg", algorithm_name(algorithm_)).str("use", "sig").end_object();
  return j.take();
}

void SigningKeys::add(SigningKey key) {
  for (const auto& k : keys_) {
    if (k.kid() == key.kid()) key_error(key.kid(), "the kid is configured more than once");
  }
  keys_.push_back(std::move(key));
}

SigningKeys SigningKeys::from_pem(const std::vector<std::pair<std::string, std::string>>& kid_pem) {
  SigningKeys out;
  for (const auto& [kid, pem] : kid_pem) {
    EvpPkeyPtr pkey = private_key_from_pem(kid, pem);
    const Algorithm alg = algorithm_of_key(pkey.get(), kid, "TOKEN_SIGNING_KEY");
    out.add(SigningKey(kid, alg, std::move(pkey)));
  }
  return out;
}

SigningKeys SigningKeys::load(std::string_view spec) {
  std::vector<std::pair<std::string, std::string>> kid_pem;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string entry = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    const std::string kid = eq == std::string::npos ? "" : trim(entry.substr(0, eq));
    const std::string path = eq == std::string::npos ? "" : trim(entry.substr(eq + 1));
    if (kid.empty() || path.empty()) {
      throw std::runtime_error("TOKEN_SIGNING_KEY entry '" + entry + "' is not of the form kid=path");
    }
    std::string pem;
    try {
      pem = read_key_file(path, "private key file");
    } catch (const std::runtime_error& e) {
      key_error(kid, e.what());
    }
    kid_pem.emplace_back(kid, std::move(pem));
  }
  return from_pem(kid_pem);
}

std::string SigningKeys::jwks_json() const {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (i) out += ",";
    out += keys_[i].jwk_json();
  }
  return out + "]}";
}

}  // namespace tenantd::auth
