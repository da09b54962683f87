#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

namespace jwks {
// GET /.well-known/jwks.json: the public halves of TOKEN_SIGNING_KEY.
Response get(RequestContext& ctx);
}  // namespace jwks

}  // namespace tenantd::api
