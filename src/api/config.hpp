#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_config_statements();

namespace config {
Response list_all(RequestContext& ctx);
Response list_type(RequestContext& ctx);
Response put_entry(RequestContext& ctx);
Response delete_entry(RequestContext& ctx);
}  // namespace config

}  // namespace tenantd::api
