#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tenantd::auth {

// scrypt (N=2^15, r=8, p=1) with a fresh 16-byte salt and a 32-byte key, encoded as
// "scrypt$15$8$1$<b64url salt>$<b64url hash>". Throws std::runtime_error only if OpenSSL fails.
std::string hash_password(std::string_view password);

// Recomputes the hash with the parameters stored in `encoded` and compares in constant time. Returns
// false for a wrong password and for any malformed or out-of-range encoding; never throws.
bool verify_password(std::string_view password, std::string_view encoded) noexcept;

// scrypt derivations this process has run (hash, verify and login derivations alike), for /metrics
// (tenantd_password_hashes_total): unauthenticated requests must not be able to drive it.
uint64_t password_hashes_total() noexcept;

// The login half of the scrypt scheme above for a service that never sees stored hashes.
// `key_params` is a stored hash without its key ("scrypt$<log2 N>$<r>$<p>$<b64url salt>", as
// api.auth_login_begin returns it); the answer is the full encoding
// "scrypt$<log2 N>$<r>$<p>$<b64url salt>$<b64url 32-byte key>" for `password`, which the database
// compares with the stored hash. The parameters are bounded exactly as verify_password bounds them,
// so a tampered row cannot turn a login into a huge allocation. nullopt for a malformed or
// out-of-range `key_params` (or an OpenSSL failure); never throws.
std::optional<std::string> derive_password_hash(std::string_view password,
                                                std::string_view key_params) noexcept;

}  // namespace tenantd::auth
