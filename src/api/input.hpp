#pragma once
#include <optional>
#include <string>
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api {

// Field readers for JSON bodies: a missing required field or a wrong type is a 400 naming
// the field, never an exception text from the parser.
std::string required_string(const RequestContext& ctx, const char* field, size_t max_len);
std::optional<std::string> optional_string(const RequestContext& ctx, const char* field, size_t max_len);
// An array of permission names as a text[] literal ({a,b}); missing or null is missing_field.
std::string permission_list_field(const RequestContext& ctx, const char* field);
// Every body field must be one the route knows.
void reject_unknown_fields(const RequestContext& ctx, std::initializer_list<const char*> known);

// A role name as the database accepts it: a-z first, then a-z, 0-9, _; at most 63 characters.
bool is_role_name(const std::string& s);

// `limit` query parameter: default 50, 1..200.
int page_limit(const RequestContext& ctx);
// Opaque cursors: base64url of the last key returned (made by tenantd.encode_cursor in SQL).
std::string decode_cursor(const std::string& cursor);  // throws ApiError 400 invalid_cursor
// The arguments of a keyset-paged list function api.list_X(ctx, limit, after): `limit` and the
// decoded `cursor` (NULL on the first page).
std::vector<db::Arg> page_args(const RequestContext& ctx);

}  // namespace tenantd::api
