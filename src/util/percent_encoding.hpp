#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenantd::util {

// RFC 3986 percent-decoding, strict: nullopt when a '%' is not followed by two hex digits.
// '+' stays '+' (only HTML forms read it as a space; a timestamp offset like +00:00 must
// survive). The result is bytes: callers check it is text they accept (util::clean_text).
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace tenantd::util
