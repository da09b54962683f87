#pragma once
#include "http/request_context.hpp"

namespace tenantd::api::web {

// The operator dashboard and the sign-up status page: static files from web/ (no database).
Response dashboard(RequestContext& ctx);
Response asset(RequestContext& ctx);
Response signup_status_page(RequestContext& ctx);

}  // namespace tenantd::api::web
