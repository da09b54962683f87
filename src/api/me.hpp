#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::me {

// Argument builder for GET /v1/me and /v1/tenants/{tenant}/me (api.get_me).
std::vector<db::Arg> get_me(RequestContext& ctx);

}  // namespace tenantd::api::me
