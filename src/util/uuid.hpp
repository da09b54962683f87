#pragma once
#include <string>
#include <string_view>

namespace tenantd::util {

// True for the 8-4-4-4-12 hex form in either case.
bool is_uuid(std::string_view s);
// Lower-case canonical form; callers must check is_uuid first.
std::string canonical_uuid(std::string_view s);
// Random version-4 uuid from OpenSSL's RNG.
std::string new_uuid();
// DNS label rules: [a-z0-9], inner '-', 1..63 chars.
bool is_slug(std::string_view s);

}  // namespace tenantd::util
