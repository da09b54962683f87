#pragma once
#include <string_view>

namespace tenantd::util {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);

// Text that PostgreSQL takes as it is: valid UTF-8 (else SQLSTATE 22021) without NUL (libpq
// ends a parameter at NUL, and text/jsonb cannot hold U+0000).
inline bool clean_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && valid_utf8(s);
}

}  // namespace tenantd::util
