#pragma once
#include "http/router.hpp"

namespace tenantd::api {

// One registration function per resource file.
void register_health(Router& r);
void register_me(Router& r);
void register_users(Router& r);
void register_tenants(Router& r);

inline void register_all(Router& r) {
  register_health(r);
  register_me(r);
  register_users(r);
  register_tenants(r);
}

}  // namespace tenantd::api
