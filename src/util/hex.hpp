#pragma once

#include <string>
#include <string_view>

namespace tenantd::util {

// Lower-case hex of the bytes, two characters each: how raw secrets (nonces, token hashes) are
// handed to SQL (decode(…, 'hex') there) and fed into MACs as text.
std::string hex_encode(std::string_view bytes);

}  // namespace tenantd::util
