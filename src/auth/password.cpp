#include "auth/password.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "util/base64url.hpp"
#include "util/random.hpp"

namespace tenantd::auth {
namespace {

constexpr char kScheme[] = "scrypt";
constexpr uint64_t kLog2N = 15;
constexpr uint64_t kR = 8;
constexpr uint64_t kP = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kKeyBytes = 32;

// Bounds on parameters read back from storage. They keep a tampered or corrupt row from turning one login
// into a multi-gigabyte allocation or minutes of CPU, while leaving room to raise the cost later.
constexpr uint64_t kMinLog2N = 10;
constexpr uint64_t kMaxLog2N = 20;
constexpr uint64_t kMaxR = 32;
constexpr uint64_t kMaxP = 16;
constexpr uint64_t kMaxMemoryBytes = 256ull << 20;
constexpr size_t kMinStoredSaltBytes = 8;
constexpr size_t kMaxStoredBytes = 64;
constexpr size_t kMinStoredKeyBytes = 16;

struct Params {
  uint64_t log2n;
  uint64_t r;
  uint64_t p;
};

// scrypt's working set is about 128 * r * (N + p) bytes; OpenSSL refuses to exceed maxmem, whose default
// (32 MiB) is just below what N=2^15, r=8 needs.
uint64_t memory_needed(const Params& params) {
  return 128 * params.r * ((uint64_t{1} << params.log2n) + params.p + 2);
}

std::atomic<uint64_t> g_derivations{0};

std::optional<std::string> derive(std::string_view password, std::string_view salt, const Params& params,
                                  size_t key_len) {
  g_derivations.fetch_add(1, std::memory_order_relaxed);
  static const char kEmpty = 0;
  std::string key(key_len, '\0');
  const int rc = EVP_PBE_scrypt(
      password.empty() ? &kEmpty : password.data(), password.size(),
      reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), uint64_t{1} << params.log2n, params.r,
      params.p, memory_needed(params) + (1 << 20), reinterpret_cast<unsigned char*>(key.data()), key.size());
  if (rc != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return key;
}

// Strict decimal: digits only, no sign, no leading zero, so each hash has exactly one encoding.
std::optional<uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 6 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

// The parameters and salt of an encoding ("scrypt$<log2 N>$<r>$<p>$<b64url salt>" in parts[0..4]),
// within the storage bounds; nullopt when anything is malformed or out of range.
struct Stored {
  Params params;
  std::string salt;
};
std::optional<Stored> parse_stored(const std::vector<std::string_view>& parts) {
  if (parts.size() < 5 || parts[0] != kScheme) return std::nullopt;
  const auto log2n = parse_decimal(parts[1]);
  const auto r = parse_decimal(parts[2]);
  const auto p = parse_decimal(parts[3]);
  if (!log2n || !r || !p) return std::nullopt;
  const Params params{*log2n, *r, *p};
  if (params.log2n < kMinLog2N || params.log2n > kMaxLog2N || params.r < 1 || params.r > kMaxR ||
      params.p < 1 || params.p > kMaxP || memory_needed(params) > kMaxMemoryBytes) {
    return std::nullopt;
  }
  const auto salt = util::base64url_decode(parts[4]);
  if (!salt || salt->size() < kMinStoredSaltBytes || salt->size() > kMaxStoredBytes) return std::nullopt;
  return Stored{params, *salt};
}

bool verify_impl(std::string_view password, std::string_view encoded) {
  const auto parts = split(encoded, '$');
  if (parts.size() != 6) return false;
  const auto stored = parse_stored(parts);
  const auto expected = util::base64url_decode(parts[5]);
  if (!stored) return false;
  if (!expected || expected->size() < kMinStoredKeyBytes || expected->size() > kMaxStoredBytes) return false;
  const auto actual = derive(password, stored->salt, stored->params, expected->size());
  if (!actual) return false;
  return CRYPTO_memcmp(actual->data(), expected->data(), expected->size()) == 0;
}

std::optional<std::string> derive_impl(std::string_view password, std::string_view key_params) {
  if (key_params.size() > 256) return std::nullopt;
  const auto parts = split(key_params, '$');
  if (parts.size() != 5) return std::nullopt;
  const auto stored = parse_stored(parts);
  if (!stored) return std::nullopt;
  const auto key = derive(password, stored->salt, stored->params, kKeyBytes);
  if (!key) return std::nullopt;
  return std::string(key_params) + "$" + util::base64url_encode(*key);
}

}  // namespace

std::string hash_password(std::string_view password) {
  const Params params{kLog2N, kR, kP};
  const std::string salt = util::random_bytes(kSaltBytes);
  const auto key = derive(password, salt, params, kKeyBytes);
  if (!key) throw std::runtime_error("scrypt key derivation failed");
  return std::string(kScheme) + "$" + std::to_string(params.log2n) + "$" + std::to_string(params.r) + "$" +
         std::to_string(params.p) + "$" + util::base64url_encode(salt) + "$" + util::base64url_encode(*key);
}

uint64_t password_hashes_total() noexcept {
  return g_derivations.load(std::memory_order_relaxed);
}

bool verify_password(std::string_view password, std::string_view encoded) noexcept {
  try {
    return verify_impl(password, encoded);
  } catch (...) {
    // Only allocation failures can land here; refusing the login is the safe answer.
    return false;
  }
}

std::optional<std::string> derive_password_hash(std::string_view password,
                                                std::string_view key_params) noexcept {
  try {
    return derive_impl(password, key_params);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace tenantd::auth
