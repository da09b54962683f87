#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tenantd::auth {

// scrypt (N=2^15, r=8, p=1) with a fresh 16-byte salt and a 32-byte key, encoded as
// "scrypt$15$8$1$<b64url salt>$<b64url hash>". Throws std::runtime_error only if OpenSSL fails.
std::string hash_password(std::string_view password);

// Recomputes the hash with the parameters stored in `encoded` and compares in constant time. Returns
// false for a wrong password and for any malformed or out-of-range encoding; never throws.
bool verify_password(std::string_view password, std::string_view encoded) noexcept;

// scrypt derivations this process has run (hash and verify alike), for /metrics
// (tenantd_password_hashes_total): unauthenticated requests must not be able to drive it.
uint64_t password_hashes_total() noexcept;

}  // namespace tenantd::auth
