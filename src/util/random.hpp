#pragma once

#include <cstddef>
#include <string>

namespace tenantd::util {

// n bytes from OpenSSL's CSPRNG. Throws std::runtime_error when the generator fails: callers use these
// bytes for salts, tokens and keys, where a silent fallback would be worse than an error.
std::string random_bytes(size_t n);

// An unpadded base64url string encoding `bytes` random bytes (43 characters for the default 32).
std::string random_token_b64url(size_t bytes = 32);

}  // namespace tenantd::util
