#pragma once

#include <string>
#include <string_view>

namespace tenantd::util {

// Lowercase hex of SHA-256(data); 64 characters.
std::string sha256_hex(std::string_view data);

// The 32 raw digest bytes of SHA-256(data).
std::string sha256_raw(std::string_view data);

// The 32 raw bytes of HMAC-SHA256(key, data). An empty key is allowed (RFC 2104 pads it).
std::string hmac_sha256_raw(std::string_view key, std::string_view data);

// Compares in time independent of where the inputs differ, so secrets (MACs, token hashes) cannot be
// recovered byte by byte from response timing. Only the lengths leak, which are public anyway.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tenantd::util
