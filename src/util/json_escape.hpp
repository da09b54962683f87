#pragma once

#include <string>
#include <string_view>

namespace tenantd::util {

// The body of a JSON string literal for `s` (no surrounding quotes): '"' and '\' are escaped and
// control characters below 0x20 become \u00XX, so text from clients or exceptions cannot break
// a hand-built JSON log line. Bytes >= 0x20 pass unchanged (callers log valid UTF-8).
std::string json_escape(std::string_view s);

}  // namespace tenantd::util
