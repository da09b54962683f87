#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

namespace webhooks {
Response receive(RequestContext& ctx);
}  // namespace webhooks

}  // namespace tenantd::api
