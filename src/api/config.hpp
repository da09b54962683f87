#pragma once
#include <vector>

#include "http/request_context.hpp"
#include "http/response.hpp"

namespace tenantd::api::config {

// Argument builders for the /v1/config routes (api/route_table.cpp names the functions).
std::vector<db::Arg> list_all(RequestContext& ctx);
std::vector<db::Arg> list_type(RequestContext& ctx);
std::vector<db::Arg> put_entry(RequestContext& ctx);
std::vector<db::Arg> delete_entry(RequestContext& ctx);

// PUT /v1/config/{type}/{key}: put_entry's checks, then a secret type's value sealed with the
// tenant's active data key before the call (crypto/tenant_keys.hpp); answers by itself.
Response put(RequestContext& ctx);
// The read routes' reply filter: opens every sealed secret in the answer, or refuses with
// secrets_unavailable (no KEK) or secret_undecryptable (a ciphertext not made for this place).
void open_secrets(RequestContext& ctx, db::Reply& reply);

}  // namespace tenantd::api::config
