#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_me_statements();

namespace me {
Response get_me(RequestContext& ctx);
}  // namespace me

}  // namespace tenantd::api
