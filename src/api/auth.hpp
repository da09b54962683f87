#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::tokens {

// Answer by themselves (docs/architecture.md): the access token is signed by the service;
// login derives the password key between its two calls.
Response login(RequestContext& ctx);
Response refresh(RequestContext& ctx);
// Argument builder for api.auth_logout.
std::vector<db::Arg> logout(RequestContext& ctx);

}  // namespace tenantd::api::tokens
