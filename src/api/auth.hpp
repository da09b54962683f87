#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_auth_statements();

namespace tokens {
Response login(RequestContext& ctx);
Response refresh(RequestContext& ctx);
Response logout(RequestContext& ctx);
}  // namespace tokens

}  // namespace tenantd::api
