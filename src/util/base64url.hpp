#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenantd::util {

// RFC 4648 section 5 alphabet, never padded (the JWS form).
std::string base64url_encode(std::string_view data);

// Strict inverse of base64url_encode: returns nullopt for any character outside the URL-safe alphabet
// (including '=' and whitespace), for lengths with len % 4 == 1, and for non-zero unused bits in the last
// character. Rejecting those keeps every byte string to exactly one accepted encoding, so a token cannot be
// altered without changing what is verified.
std::optional<std::string> base64url_decode(std::string_view in);

// RFC 4648 section 4 (standard alphabet, '=' padded).
std::string base64_encode(std::string_view data);

// Standard alphabet; padding may be present (then the length must be a multiple of 4 and only one or two
// '=' may end it) or omitted. Same strictness otherwise: no whitespace, no non-zero unused bits.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace tenantd::util
