// GET /v1/me: who the caller is, and in which tenant; `role` is the effective role (the
// membership's current one, narrowed by the token's claim), not the claim. api.get_me answers
// from the context tenantd.enter set; there is nothing to validate.
#include "api/me.hpp"

namespace tenantd::api::me {

// api.get_me(ctx)
std::vector<db::Arg> get_me(RequestContext&) {
  return {};
}

}  // namespace tenantd::api::me
