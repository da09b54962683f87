#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_signup_statements();

namespace signup {
Response signup(RequestContext& ctx);
}  // namespace signup

}  // namespace tenantd::api
