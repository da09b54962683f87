#include "auth/password_key.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstdint>
#include <vector>

#include "auth/base64url.hpp"

namespace tenantd::auth {
namespace {

// The bounds of password.cpp (kept in step with it): parameters read back from storage.
constexpr uint64_t kMinLog2N = 10;
constexpr uint64_t kMaxLog2N = 20;
constexpr uint64_t kMaxR = 32;
constexpr uint64_t kMaxP = 16;
constexpr uint64_t kMaxMemoryBytes = 256ull << 20;
constexpr size_t kMinSaltBytes = 8;
constexpr size_t kMaxSaltBytes = 64;
constexpr size_t kKeyBytes = 32;

std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 6 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

std::optional<std::string> derive_impl(std::string_view password, std::string_view key_params) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 6) {
    const size_t pos = key_params.find('$', start);
    parts.push_back(
        key_params.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  if (parts.size() != 5 || parts[0] != "scrypt") return std::nullopt;
  const auto log2n = parse_decimal(parts[1]);
  const auto r = parse_decimal(parts[2]);
  const auto p = parse_decimal(parts[3]);
  if (!log2n || !r || !p) return std::nullopt;
  if (*log2n < kMinLog2N || *log2n > kMaxLog2N || *r < 1 || *r > kMaxR || *p < 1 || *p > kMaxP)
    return std::nullopt;
  const uint64_t memory = 128 * *r * ((uint64_t{1} << *log2n) + *p + 2);
  if (memory > kMaxMemoryBytes) return std::nullopt;
  const auto salt = base64url_decode(parts[4]);
  if (!salt || salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) return std::nullopt;

  static const char kEmpty = 0;
  std::string key(kKeyBytes, '\0');
  const int rc = EVP_PBE_scrypt(password.empty() ? &kEmpty : password.data(), password.size(),
                                reinterpret_cast<const unsigned char*>(salt->data()), salt->size(),
                                uint64_t{1} << *log2n, *r, *p, memory + (1 << 20),
                                reinterpret_cast<unsigned char*>(key.data()), key.size());
  if (rc != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return std::string(key_params) + "$" + base64url_encode(key);
}

}  // namespace

std::optional<std::string> derive_password_hash(std::string_view password,
                                                std::string_view key_params) noexcept {
  try {
    return derive_impl(password, key_params);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace tenantd::auth
