#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

namespace health {
Response healthz(RequestContext& ctx);
Response readyz(RequestContext& ctx);
Response metrics_text(RequestContext& ctx);
}  // namespace health

}  // namespace tenantd::api
