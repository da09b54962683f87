#include "util/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace tenantd::util {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// OpenSSL treats a null key pointer as "keep the previous key" (and then fails on a fresh context), so
// empty inputs must still come with a valid address.
const unsigned char* bytes_or_empty(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sha256_raw(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes_or_empty(data), data.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len != 32) {
    throw std::runtime_error("SHA-256 computation failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string sha256_hex(std::string_view data) {
  const std::string raw = sha256_raw(data);
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kHexDigits[c >> 4]);
    out.push_back(kHexDigits[c & 0x0f]);
  }
  return out;
}

std::string hmac_sha256_raw(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<size_t>(INT_MAX)) throw std::invalid_argument("HMAC key too long");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), bytes_or_empty(key), static_cast<int>(key.size()), bytes_or_empty(data), data.size(),
           mac, &len) == nullptr ||
      len != 32) {
    throw std::runtime_error("HMAC-SHA256 computation failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tenantd::util
