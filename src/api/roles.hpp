#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_roles_statements();

namespace roles {
Response list_roles(RequestContext& ctx);
Response get_role(RequestContext& ctx);
Response create_role(RequestContext& ctx);
Response patch_role(RequestContext& ctx);
Response delete_role(RequestContext& ctx);
}  // namespace roles

}  // namespace tenantd::api
