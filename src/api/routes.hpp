#pragma once
#include "http/router.hpp"

namespace tenantd::api {

// One registration function per resource file (src/api/<resource>.cpp). Each registers its
// routes and its named SQL statements.
void register_health(Router& r);
void register_me(Router& r);
void register_users(Router& r);
void register_tenants(Router& r);
void register_roles(Router& r);
void register_config(Router& r);
void register_onboarding(Router& r);
void register_audit_log(Router& r);
void register_invitations(Router& r);
void register_auth(Router& r);
void register_admin_jobs(Router& r);
void register_signup(Router& r);         // POST /v1/signup
void register_tenant_status(Router& r);  // GET /v1/tenant-status[/{id}]
void register_webhooks(Router& r);       // POST /v1/webhooks/identity

inline void register_all(Router& r) {
  register_health(r);
  register_me(r);
  register_users(r);
  register_tenants(r);
  register_roles(r);
  register_config(r);
  register_onboarding(r);
  register_audit_log(r);
  register_invitations(r);
  register_auth(r);
  register_admin_jobs(r);
  register_signup(r);
  register_tenant_status(r);
  register_webhooks(r);
}

}  // namespace tenantd::api
