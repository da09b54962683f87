#include "api/route_table.hpp"

#include "api/admin_jobs.hpp"
#include "api/audit_log.hpp"
#include "api/auth.hpp"
#include "api/config.hpp"
#include "api/health.hpp"
#include "api/invitations.hpp"
#include "api/me.hpp"
#include "api/onboarding.hpp"
#include "api/roles.hpp"
#include "api/signup.hpp"
#include "api/tenant_status.hpp"
#include "api/tenants.hpp"
#include "api/users.hpp"
#include "api/webhooks.hpp"

namespace tenantd::api {

void register_all(Router& r) {
  add_admin_jobs_statements();
  add_auth_statements();
  add_invitations_statements();
  add_me_statements();
  add_signup_statements();
  add_tenant_status_statements();
  add_tenants_statements();

  // admin_jobs
  r.add("GET", "/v1/admin/jobs", Scope::kAuthenticated, admin_jobs::list_jobs);

  // audit_log
  r.call_tenant("GET", "/audit-log", "api.list_audit_log", audit_log::list, opts().needs("audit:read"));

  // auth
  r.add("POST", "/v1/auth/token", Scope::kPublic, tokens::login, opts().limited(RateLimit::kLogin));
  r.add("POST", "/v1/auth/refresh", Scope::kPublic, tokens::refresh);
  r.add("POST", "/v1/auth/logout", Scope::kPublic, tokens::logout);

  // config
  // (the permission depends on the type: config:secrets for integrations; decided in SQL)
  r.call_tenant("GET", "/config", "api.list_config", config::list_all);
  r.call_tenant("GET", "/config/{type}", "api.list_config_type", config::list_type);
  r.call_tenant("PUT", "/config/{type}/{key}", "api.put_config", config::put_entry);
  r.call_tenant("DELETE", "/config/{type}/{key}", "api.delete_config", config::delete_entry);

  // health
  r.add("GET", "/metrics", Scope::kPublic, health::metrics_text);
  r.add("GET", "/healthz", Scope::kPublic, health::healthz);
  r.add("GET", "/readyz", Scope::kPublic, health::readyz);

  // invitations
  r.add_tenant("POST", "/invitations", invitations::create_invitation);
  r.add_tenant("GET", "/invitations", invitations::list_invitations);
  r.add_tenant("POST", "/invitations/bulk", invitations::create_bulk);
  r.add_tenant("GET", "/invitations/{id}", invitations::get_invitation);
  r.add_tenant("POST", "/invitations/{id}/revoke", invitations::revoke_invitation);
  r.add("POST", "/v1/invitations/accept", Scope::kPublic, invitations::accept_invitation,
        opts().limited(RateLimit::kAccept));

  // me
  r.add("GET", "/v1/me", Scope::kAuthenticated, me::get_me);
  r.add("GET", "/v1/tenants/{tenant}/me", Scope::kTenant, me::get_me);

  // onboarding
  r.call_tenant("GET", "/onboarding", "api.get_onboarding", onboarding::get);
  r.call_tenant("POST", "/onboarding/steps/{key}/complete", "api.complete_onboarding_step",
                onboarding::complete_step, opts().needs("tenant:write"));

  // roles
  r.call_tenant("GET", "/roles", "api.list_roles", roles::list);
  r.call_tenant("POST", "/roles", "api.create_role", roles::create,
                opts().needs("roles:write").with_idempotency_key());
  r.call_tenant("GET", "/roles/{id}", "api.get_role", roles::get);
  r.call_tenant("PATCH", "/roles/{id}", "api.update_role", roles::update, opts().needs("roles:write"));
  r.call_tenant("DELETE", "/roles/{id}", "api.delete_role", roles::remove, opts().needs("roles:write"));

  // signup
  r.add("POST", "/v1/signup", Scope::kPublic, signup::signup, opts().limited(RateLimit::kSignup));

  // tenant_status
  r.add("GET", "/v1/tenant-status/{id}", Scope::kPublic, tenant_status::public_status);
  r.add("GET", "/v1/tenant-status", Scope::kTenant, tenant_status::own_status);

  // tenants
  r.add("POST", "/v1/tenants", Scope::kAuthenticated, tenants::create_tenant);
  r.add("GET", "/v1/tenants", Scope::kAuthenticated, tenants::list_tenants);
  r.add("GET", "/v1/tenants/stats", Scope::kAuthenticated, tenants::tenant_stats);
  r.add("GET", "/v1/tenants/{tenant}", Scope::kTenant, tenants::get_tenant);
  r.add("PATCH", "/v1/tenants/{tenant}", Scope::kTenant, tenants::patch_tenant);
  r.add("DELETE", "/v1/tenants/{tenant}", Scope::kTenant, tenants::delete_tenant);
  r.add("POST", "/v1/tenants/{tenant}/activate", Scope::kTenant, tenants::activate_tenant);
  r.add("POST", "/v1/tenants/{tenant}/suspend", Scope::kTenant, tenants::suspend_tenant);
  r.add("POST", "/v1/tenants/{tenant}/reprovision", Scope::kTenant, tenants::reprovision_tenant);

  // users: members of the current tenant
  r.call_tenant("GET", "/users", "api.list_members", users::list);
  r.call_tenant("POST", "/users", "api.create_member", users::create,
                opts().needs("members:write").with_idempotency_key());
  r.call_tenant("GET", "/users/{id}", "api.get_member", users::get);
  r.call_tenant("PATCH", "/users/{id}", "api.update_member", users::update);
  r.call_tenant("DELETE", "/users/{id}", "api.delete_member", users::remove, opts().needs("members:write"));

  // webhooks
  r.add("POST", "/v1/webhooks/identity", Scope::kPublic, webhooks::receive);
}

}  // namespace tenantd::api
