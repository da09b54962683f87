#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tenantd::crypto {

// AES-256-GCM through OpenSSL's EVP interface. A sealed box is nonce (12 random bytes) ||
// ciphertext || tag (16 bytes); the associated data is authenticated but not stored, so the
// caller must supply the same bytes to open it (that is what binds a ciphertext to its place).
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CryptoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CryptoError when the key is not 32 bytes or OpenSSL fails.
std::string aead_seal(std::string_view key, std::string_view plaintext, std::string_view aad);
// nullopt when the box is malformed, was sealed under another key or other associated data, or
// was altered. Throws CryptoError only for a wrong key length or an OpenSSL failure.
std::optional<std::string> aead_open(std::string_view key, std::string_view box, std::string_view aad);

}  // namespace tenantd::crypto
