#include "auth/keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <new>
#include <stdexcept>
#include <utility>

#include "auth/openssl_ptr.hpp"
#include "util/base64url.hpp"

namespace tenantd::auth {

void EvpPkeyDeleter::operator()(EVP_PKEY* pkey) const noexcept {
  EVP_PKEY_free(pkey);
}

namespace {

struct OpensslFree {
  void operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }
};

constexpr int kMinRsaBits = 2048;
constexpr size_t kP256CoordinateBytes = 32;
constexpr size_t kEd25519KeyBytes = 32;
constexpr size_t kEs256SignatureBytes = 64;
constexpr size_t kEd25519SignatureBytes = 64;
constexpr std::streamsize kMaxKeyFileBytes = 1 << 20;

// Failed OpenSSL calls leave entries in the thread's error queue; drop them so they cannot be mistaken
// for the cause of a later, unrelated failure on the same thread.
void clear_openssl_errors() {
  ERR_clear_error();
}

std::string describe_key(const std::string& kid, const std::string& source) {
  std::string out = kid.empty() ? std::string("key without kid") : "key '" + kid + "'";
  return out + " from " + source;
}

[[noreturn]] void config_error(const std::string& kid, const std::string& source, const std::string& why) {
  clear_openssl_errors();
  throw std::runtime_error("JWT " + describe_key(kid, source) + ": " + why);
}

std::string read_small_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + what + " '" + path + "'");
  std::string data;
  data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read " + what + " '" + path + "'");
  if (data.size() > static_cast<size_t>(kMaxKeyFileBytes)) {
    throw std::runtime_error(what + " '" + path + "' is larger than 1 MiB");
  }
  return data;
}

bool is_p256(EVP_PKEY* pkey) {
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len) != 1) return false;
  // Group names come back as "prime256v1"; OBJ_txt2nid also maps the NIST and SECG aliases.
  int nid = OBJ_txt2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  return nid == NID_X9_62_prime256v1;
}

// The algorithm a key's type implies; throws for key types this service does not verify with.
Algorithm algorithm_for(EVP_PKEY* pkey, const std::string& kid, const std::string& source) {
  if (EVP_PKEY_is_a(pkey, "RSA")) return Algorithm::kRs256;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    if (!is_p256(pkey)) config_error(kid, source, "EC keys must use curve P-256 (ES256)");
    return Algorithm::kEs256;
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) return Algorithm::kEdDsa;
  config_error(kid, source, "unsupported key type (expected RSA, EC P-256 or Ed25519)");
}

std::optional<std::string> get_string(const rapidjson::Value& obj, const char* name, const std::string& kid,
                                      const std::string& source) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (!it->value.IsString())
    config_error(kid, source, std::string("JWK member \"") + name + "\" is not a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string get_b64url(const rapidjson::Value& obj, const char* name, const std::string& kid,
                       const std::string& source) {
  auto text = get_string(obj, name, kid, source);
  if (!text) config_error(kid, source, std::string("JWK member \"") + name + "\" is missing");
  auto bytes = util::base64url_decode(*text);
  if (!bytes || bytes->empty()) {
    config_error(kid, source, std::string("JWK member \"") + name + "\" is not valid base64url");
  }
  return *bytes;
}

BnPtr bn_from_bytes(const std::string& bytes) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()),
                     nullptr));
  if (!bn) throw std::bad_alloc();
  return bn;
}

EvpPkeyPtr pkey_from_params(const char* type, OSSL_PARAM_BLD* bld, const std::string& kid,
                            const std::string& source) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    config_error(kid, source, "OpenSSL could not prepare key import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr) {
    config_error(kid, source, "JWK public key parameters were rejected by OpenSSL");
  }
  return EvpPkeyPtr(raw);
}

EvpPkeyPtr rsa_from_jwk(const rapidjson::Value& jwk, const std::string& kid, const std::string& source) {
  const BnPtr n = bn_from_bytes(get_b64url(jwk, "n", kid, source));
  const BnPtr e = bn_from_bytes(get_b64url(jwk, "e", kid, source));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    config_error(kid, source, "OpenSSL could not build RSA parameters");
  }
  return pkey_from_params("RSA", bld.get(), kid, source);
}

EvpPkeyPtr ec_from_jwk(const rapidjson::Value& jwk, const std::string& kid, const std::string& source) {
  const auto crv = get_string(jwk, "crv", kid, source);
  if (!crv || *crv != "P-256") config_error(kid, source, "EC JWK must have \"crv\":\"P-256\" (ES256)");
  const std::string x = get_b64url(jwk, "x", kid, source);
  const std::string y = get_b64url(jwk, "y", kid, source);
  // RFC 7518 6.2.1.2: coordinates are full-length; a short one means a broken encoder or a different curve.
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) {
    config_error(kid, source, "EC JWK coordinates must be 32 bytes each");
  }
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed SEC1 point
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    config_error(kid, source, "OpenSSL could not build EC parameters");
  }
  return pkey_from_params("EC", bld.get(), kid, source);
}

EvpPkeyPtr ed25519_from_jwk(const rapidjson::Value& jwk, const std::string& kid, const std::string& source) {
  const auto crv = get_string(jwk, "crv", kid, source);
  if (!crv || *crv != "Ed25519") config_error(kid, source, "OKP JWK must have \"crv\":\"Ed25519\" (EdDSA)");
  const std::string x = get_b64url(jwk, "x", kid, source);
  if (x.size() != kEd25519KeyBytes) config_error(kid, source, "Ed25519 JWK \"x\" must be 32 bytes");
  EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              reinterpret_cast<const unsigned char*>(x.data()), x.size());
  if (raw == nullptr) config_error(kid, source, "Ed25519 public key was rejected by OpenSSL");
  return EvpPkeyPtr(raw);
}

bool digest_verify(EVP_PKEY* pkey, const char* digest, std::string_view tbs, const unsigned char* sig,
                   size_t sig_len) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, pkey, nullptr) != 1) {
    clear_openssl_errors();
    return false;
  }
  const int rc = EVP_DigestVerify(ctx.get(), sig, sig_len, reinterpret_cast<const unsigned char*>(tbs.data()),
                                  tbs.size());
  if (rc != 1) clear_openssl_errors();
  return rc == 1;
}

// JWS carries ES256 signatures as fixed-width big-endian r||s (RFC 7518 3.4); OpenSSL wants DER.
bool verify_es256(EVP_PKEY* pkey, std::string_view tbs, std::string_view sig) {
  if (sig.size() != kEs256SignatureBytes) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sig.data());
  BnPtr r(BN_bin2bn(bytes, 32, nullptr));
  BnPtr s(BN_bin2bn(bytes + 32, 32, nullptr));
  EcdsaSigPtr ecdsa(ECDSA_SIG_new());
  if (!r || !s || !ecdsa || ECDSA_SIG_set0(ecdsa.get(), r.get(), s.get()) != 1) return false;
  r.release();  // now owned by ecdsa
  s.release();
  unsigned char* der_raw = nullptr;
  const int der_len = i2d_ECDSA_SIG(ecdsa.get(), &der_raw);
  std::unique_ptr<unsigned char, OpensslFree> der(der_raw);
  if (der_len <= 0) {
    clear_openssl_errors();
    return false;
  }
  return digest_verify(pkey, "SHA256", tbs, der.get(), static_cast<size_t>(der_len));
}

}  // namespace

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  if (name == "HS256") return Algorithm::kHs256;
  if (name == "RS256") return Algorithm::kRs256;
  if (name == "ES256") return Algorithm::kEs256;
  if (name == "EdDSA") return Algorithm::kEdDsa;
  return std::nullopt;
}

const char* algorithm_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHs256:
      return "HS256";
    case Algorithm::kRs256:
      return "RS256";
    case Algorithm::kEs256:
      return "ES256";
    case Algorithm::kEdDsa:
      return "EdDSA";
  }
  return "unknown";
}

Key::Key(std::string kid, Algorithm algorithm, EvpPkeyPtr pkey, const std::string& source)
    : kid_(std::move(kid)), algorithm_(algorithm), pkey_(std::move(pkey)) {
  if (!pkey_) config_error(kid_, source, "no key material");
  if (algorithm_ == Algorithm::kHs256) config_error(kid_, source, "HS256 is not a public-key algorithm");
  if (algorithm_for(pkey_.get(), kid_, source) != algorithm_) {
    config_error(kid_, source,
                 std::string("key type does not match algorithm ") + algorithm_name(algorithm_));
  }
  if (algorithm_ == Algorithm::kRs256 && EVP_PKEY_get_bits(pkey_.get()) < kMinRsaBits) {
    config_error(kid_, source, "RSA keys must be at least 2048 bits");
  }
  // Rejects EC points off the curve and degenerate RSA moduli/exponents before any token meets them.
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
  if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1)
    config_error(kid_, source, "public key failed validation");
}

Key key_from_pem(const std::string& kid, std::string_view pem, const std::string& source) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) config_error(kid, source, "PEM data too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) config_error(kid, source, "no valid \"PUBLIC KEY\" PEM block found");
  const Algorithm alg = algorithm_for(pkey.get(), kid, source);
  return Key(kid, alg, std::move(pkey), source);
}

Algorithm algorithm_of_key(EVP_PKEY* pkey, const std::string& kid, const std::string& source) {
  return algorithm_for(pkey, kid, source);
}

std::string read_key_file(const std::string& path, const std::string& what) {
  return read_small_file(path, what);
}

Key key_from_pem_file(const std::string& kid, const std::string& path) {
  std::string pem;
  try {
    pem = read_small_file(path, "public key file");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("JWT key '" + kid + "': " + e.what());
  }
  return key_from_pem(kid, pem, "'" + path + "'");
}

std::vector<Key> keys_from_jwks(std::string_view json, const std::string& source) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseDefaultFlags>(json.data(), json.size());
  // RapidJSON stops at a NUL byte, which valid JSON text never contains.
  if (doc.HasParseError() || json.find('\0') != std::string_view::npos) {
    throw std::runtime_error("JWKS " + source + ": not valid JSON");
  }
  if (!doc.IsObject()) throw std::runtime_error("JWKS " + source + ": top level is not a JSON object");
  auto keys_it = doc.FindMember("keys");
  if (keys_it == doc.MemberEnd() || !keys_it->value.IsArray()) {
    throw std::runtime_error("JWKS " + source + ": missing \"keys\" array");
  }
  std::vector<Key> out;
  size_t index = 0;
  for (const auto& jwk : keys_it->value.GetArray()) {
    const std::string where = source + " (keys[" + std::to_string(index++) + "])";
    if (!jwk.IsObject()) config_error("", where, "JWK is not a JSON object");
    const std::string kid = get_string(jwk, "kid", "", where).value_or("");
    const auto use = get_string(jwk, "use", kid, where);
    if (use && *use != "sig") continue;  // encryption keys are published alongside but never verify tokens
    const auto kty = get_string(jwk, "kty", kid, where);
    if (!kty) config_error(kid, where, "JWK has no \"kty\"");
    EvpPkeyPtr pkey;
    Algorithm alg = Algorithm::kRs256;
    if (*kty == "RSA") {
      pkey = rsa_from_jwk(jwk, kid, where);
      alg = Algorithm::kRs256;
    } else if (*kty == "EC") {
      pkey = ec_from_jwk(jwk, kid, where);
      alg = Algorithm::kEs256;
    } else if (*kty == "OKP") {
      pkey = ed25519_from_jwk(jwk, kid, where);
      alg = Algorithm::kEdDsa;
    } else if (*kty == "oct") {
      config_error(kid, where, "symmetric JWKs are not accepted; configure JWT_HS256_SECRET instead");
    } else {
      config_error(kid, where, "unsupported JWK kty (expected RSA, EC or OKP)");
    }
    const auto declared = get_string(jwk, "alg", kid, where);
    if (declared && *declared != algorithm_name(alg)) {
      config_error(
          kid, where,
          "JWK \"alg\" does not match its key type (expected " + std::string(algorithm_name(alg)) + ")");
    }
    out.emplace_back(kid, alg, std::move(pkey), where);
  }
  return out;
}

std::vector<Key> keys_from_jwks_file(const std::string& path) {
  return keys_from_jwks(read_small_file(path, "JWKS file"), "'" + path + "'");
}

bool verify_signature(const Key& key, std::string_view signing_input, std::string_view signature) {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  switch (key.algorithm()) {
    case Algorithm::kRs256: {
      // PKCS#1 v1.5 signatures are exactly modulus-sized; anything else is not a signature by this key.
      const int size = EVP_PKEY_get_size(key.pkey());
      if (size <= 0 || signature.size() != static_cast<size_t>(size)) return false;
      return digest_verify(key.pkey(), "SHA256", signing_input, sig, signature.size());
    }
    case Algorithm::kEs256:
      return verify_es256(key.pkey(), signing_input, signature);
    case Algorithm::kEdDsa:
      if (signature.size() != kEd25519SignatureBytes) return false;
      return digest_verify(key.pkey(), nullptr, signing_input, sig, signature.size());
    case Algorithm::kHs256:
      return false;
  }
  return false;
}

void KeyStore::add(Key key) {
  if (!key.kid().empty() && find(key.kid()) != nullptr) {
    throw std::runtime_error("JWT key id '" + key.kid() + "' is configured more than once");
  }
  keys_.push_back(std::move(key));
}

void KeyStore::load_pem_list(std::string_view spec) {
  auto trim = [](std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return std::string_view();
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
  };
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view entry = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    const std::string_view kid =
        eq == std::string_view::npos ? std::string_view() : trim(entry.substr(0, eq));
    const std::string_view path =
        eq == std::string_view::npos ? std::string_view() : trim(entry.substr(eq + 1));
    if (kid.empty() || path.empty()) {
      throw std::runtime_error("JWT_PUBLIC_KEYS entry '" + std::string(entry) +
                               "' is not of the form kid=path");
    }
    add(key_from_pem_file(std::string(kid), std::string(path)));
  }
}

void KeyStore::load_jwks_file(const std::string& path) {
  std::vector<Key> keys = keys_from_jwks_file(path);
  if (keys.empty()) throw std::runtime_error("JWKS file '" + path + "' contains no signing keys");
  for (auto& key : keys) add(std::move(key));
}

const Key* KeyStore::find(std::string_view kid) const {
  if (kid.empty()) return nullptr;
  for (const auto& key : keys_) {
    if (key.kid() == kid) return &key;
  }
  return nullptr;
}

const Key* KeyStore::sole_key_for(Algorithm alg) const {
  const Key* found = nullptr;
  for (const auto& key : keys_) {
    if (key.algorithm() != alg) continue;
    if (found != nullptr) return nullptr;
    found = &key;
  }
  return found;
}

}  // namespace tenantd::auth
