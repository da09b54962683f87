#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenantd::auth {

// The login half of the scrypt scheme of password.hpp for a service that never sees stored hashes.
// `key_params` is a stored hash without its key ("scrypt$<log2 N>$<r>$<p>$<b64url salt>", as
// api.auth_login_begin returns it); the answer is the full encoding
// "scrypt$<log2 N>$<r>$<p>$<b64url salt>$<b64url 32-byte key>" for `password`, which the database
// compares with the stored hash. The parameters are bounded exactly as verify_password bounds them,
// so a tampered row cannot turn a login into a huge allocation. nullopt for a malformed or
// out-of-range `key_params` (or an OpenSSL failure); never throws.
std::optional<std::string> derive_password_hash(std::string_view password,
                                                std::string_view key_params) noexcept;

}  // namespace tenantd::auth
