#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_invitations_statements();

namespace invitations {
Response create_invitation(RequestContext& ctx);
Response create_bulk(RequestContext& ctx);
Response list_invitations(RequestContext& ctx);
Response get_invitation(RequestContext& ctx);
Response revoke_invitation(RequestContext& ctx);
Response accept_invitation(RequestContext& ctx);
}  // namespace invitations

}  // namespace tenantd::api
