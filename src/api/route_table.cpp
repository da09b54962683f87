#include "api/route_table.hpp"

#include "api/admin_jobs.hpp"
#include "api/allowed_origins.hpp"
#include "api/api_keys.hpp"
#include "api/audit_log.hpp"
#include "api/auth.hpp"
#include "api/config.hpp"
#include "api/domains.hpp"
#include "api/entitlements.hpp"
#include "api/events.hpp"
#include "api/export.hpp"
#include "api/health.hpp"
#include "api/invitations.hpp"
#include "api/jwks.hpp"
#include "api/me.hpp"
#include "api/onboarding.hpp"
#include "api/openapi.hpp"
#include "api/purge.hpp"
#include "api/retention.hpp"
#include "api/roles.hpp"
#include "api/signup.hpp"
#include "api/tenant_status.hpp"
#include "api/tenants.hpp"
#include "api/usage.hpp"
#include "api/users.hpp"
#include "api/web.hpp"
#include "api/webhooks.hpp"

namespace tenantd::api {

void register_all(Router& r) {
  // admin_jobs
  r.call("GET", "/v1/admin/jobs", Scope::kAuthenticated, "api.list_jobs", admin_jobs::list_jobs);
  r.call("POST", "/v1/admin/jobs/{id}/retry", Scope::kAuthenticated, "api.retry_job", admin_jobs::retry_job);

  // allowed_origins: the browser origins a tenant lets call the API (CORS, http/cors.hpp)
  r.call_tenant("GET", "/allowed-origins", "api.get_allowed_origins", allowed_origins::get,
                opts().needs("config:read"));
  r.call_tenant("PUT", "/allowed-origins", "api.put_allowed_origins", allowed_origins::put,
                opts().needs("tenant:write"));
  // api_keys: made and shown once in SQL, stored as SHA-256; no Idempotency-Key (a stored answer
  // would be a copy of the key); a request made with a key is resolved by tenantd.enter
  r.call_tenant("POST", "/api-keys", "api.create_api_key", api_keys::create, opts().needs("api_keys:manage"));
  r.call_tenant("GET", "/api-keys", "api.list_api_keys", api_keys::list, opts().needs("api_keys:manage"));
  r.call_tenant("GET", "/api-keys/{id}", "api.get_api_key", api_keys::get, opts().needs("api_keys:manage"));
  r.call_tenant("POST", "/api-keys/{id}/revoke", "api.revoke_api_key", api_keys::revoke,
                opts().needs("api_keys:manage"));
  r.call_tenant("POST", "/api-keys/{id}/rotate", "api.rotate_api_key", api_keys::rotate,
                opts().needs("api_keys:manage"));

  // audit_log
  r.call_tenant("GET", "/audit-log", "api.list_audit_log", audit_log::list, opts().needs("audit:read"));

  // auth
  // login: two calls around the password KDF; refresh: the answer's access token is signed here
  r.add("POST", "/v1/auth/token", Scope::kPublic, tokens::login, opts().limited(RateLimit::kLogin));
  r.add("POST", "/v1/auth/refresh", Scope::kPublic, tokens::refresh);
  r.call("POST", "/v1/auth/logout", Scope::kPublic, "api.auth_logout", tokens::logout);

  // config
  // (the permission depends on the type: config:secrets for integrations; decided in SQL)
  // (secret types are sealed before the PUT's call and opened after the reads': config.cpp)
  r.call_tenant("GET", "/config", "api.list_config", config::list_all, opts().filtered(config::open_secrets));
  r.call_tenant("GET", "/config/{type}", "api.list_config_type", config::list_type,
                opts().filtered(config::open_secrets));
  r.add_tenant("PUT", "/config/{type}/{key}", config::put);
  r.call_tenant("DELETE", "/config/{type}/{key}", "api.delete_config", config::delete_entry);

  // domains: custom domains; the DNS is asked by the 'domain.check' job, never in a request
  r.call_tenant("POST", "/domains", "api.create_domain", domains::create,
                opts().needs("tenant:write").with_idempotency_key());
  r.call_tenant("GET", "/domains", "api.list_domains", domains::list, opts().needs("config:read"));
  r.call_tenant("GET", "/domains/{id}", "api.get_domain", domains::get, opts().needs("config:read"));
  r.call_tenant("POST", "/domains/{id}/verify", "api.verify_domain", domains::verify,
                opts().needs("tenant:write"));
  r.call_tenant("DELETE", "/domains/{id}", "api.delete_domain", domains::remove,
                opts().needs("tenant:write"));
  // the on-demand TLS ask (Caddy's on_demand_tls, Cloudflare for SaaS): public, per-address limit
  r.call("GET", "/v1/domains/allowed", Scope::kPublic, "api.domain_allowed", domains::allowed,
         opts().limited(RateLimit::kDomainAsk));

  // health
  r.add("GET", "/metrics", Scope::kPublic, health::metrics_text);
  r.add("GET", "/healthz", Scope::kPublic, health::healthz);
  r.add("GET", "/readyz", Scope::kPublic, health::readyz);

  // invitations
  r.call_tenant("POST", "/invitations", "api.create_invitation", invitations::create,
                opts().needs("invitations:write").with_idempotency_key());
  r.call_tenant("GET", "/invitations", "api.list_invitations", invitations::list,
                opts().needs("invitations:write"));
  // bulk: one call; the entries' SQLSTATEs become problem codes through the problem table here
  r.add_tenant("POST", "/invitations/bulk", invitations::create_bulk,
               opts().needs("invitations:write").with_idempotency_key());
  r.call_tenant("GET", "/invitations/{id}", "api.get_invitation", invitations::get,
                opts().needs("invitations:write"));
  r.call_tenant("POST", "/invitations/{id}/revoke", "api.revoke_invitation", invitations::revoke,
                opts().needs("invitations:write"));
  // accept: with a password, the token check and the password hash come before the accepting call
  r.add("POST", "/v1/invitations/accept", Scope::kPublic, invitations::accept,
        opts().limited(RateLimit::kAccept));

  // jwks: the public keys of the tokens this service signs (they live in the process)
  r.add("GET", "/.well-known/jwks.json", Scope::kPublic, jwks::get);

  // me
  r.call("GET", "/v1/me", Scope::kAuthenticated, "api.get_me", me::get_me);
  r.call("GET", "/v1/tenants/{tenant}/me", Scope::kTenant, "api.get_me", me::get_me);

  // onboarding
  r.call_tenant("GET", "/onboarding", "api.get_onboarding", onboarding::get);
  r.call_tenant("POST", "/onboarding/steps/{key}/complete", "api.complete_onboarding_step",
                onboarding::complete_step, opts().needs("tenant:write"));

  // openapi: docs/openapi.yaml, built in as JSON
  r.add("GET", "/openapi.json", Scope::kPublic, openapi::document);

  // roles
  r.call_tenant("GET", "/roles", "api.list_roles", roles::list);
  r.call_tenant("POST", "/roles", "api.create_role", roles::create,
                opts().needs("roles:write").with_idempotency_key());
  r.call_tenant("GET", "/roles/{id}", "api.get_role", roles::get);
  r.call_tenant("PATCH", "/roles/{id}", "api.update_role", roles::update, opts().needs("roles:write"));
  r.call_tenant("DELETE", "/roles/{id}", "api.delete_role", roles::remove, opts().needs("roles:write"));

  // signup
  // two calls: the database's per-address count commits even when the sign-up fails
  r.add("POST", "/v1/signup", Scope::kPublic, signup::signup,
        opts().limited(RateLimit::kSignup).with_idempotency_key());

  // tenant_status
  r.call("GET", "/v1/tenant-status/{id}", Scope::kPublic, "api.tenant_status", tenant_status::public_status);
  // a suspended or deleted tenant may still ask
  r.call("GET", "/v1/tenant-status", Scope::kTenant, "api.own_tenant_status", tenant_status::own_status,
         opts().inactive_ok());

  // tenants
  // Routes on one tenant manage suspended and deleted tenants (inactive_ok), but only for a
  // super admin: the lifecycle actions are super-admin-only, and api.get_tenant/update_tenant
  // refuse anyone else in such a tenant (tenantd.require_active_or_super_admin).
  r.call("POST", "/v1/tenants", Scope::kAuthenticated, "api.create_tenant", tenants::create,
         opts().inactive_ok().with_idempotency_key());
  r.call("GET", "/v1/tenants", Scope::kAuthenticated, "api.list_tenants", tenants::list,
         opts().inactive_ok());
  r.call("GET", "/v1/tenants/stats", Scope::kAuthenticated, "api.tenant_stats", tenants::stats,
         opts().inactive_ok());
  r.call("GET", "/v1/tenants/{tenant}", Scope::kTenant, "api.get_tenant", tenants::get, opts().inactive_ok());
  r.call("PATCH", "/v1/tenants/{tenant}", Scope::kTenant, "api.update_tenant", tenants::update,
         opts().inactive_ok());
  r.call("DELETE", "/v1/tenants/{tenant}", Scope::kTenant, "api.delete_tenant", tenants::remove,
         opts().inactive_ok());
  r.call("POST", "/v1/tenants/{tenant}/activate", Scope::kTenant, "api.activate_tenant", tenants::activate,
         opts().inactive_ok());
  r.call("POST", "/v1/tenants/{tenant}/suspend", Scope::kTenant, "api.suspend_tenant", tenants::suspend,
         opts().inactive_ok());
  r.call("POST", "/v1/tenants/{tenant}/reprovision", Scope::kTenant, "api.reprovision_tenant",
         tenants::reprovision, opts().inactive_ok());

  // tenant data export: a job writes the tar file; the download checks the link in SQL, then sends it
  r.call_tenant("POST", "/export", "api.create_export", data_export::create, opts().needs("export:create"));
  r.call_tenant("GET", "/export/{id}", "api.get_export", data_export::get, opts().needs("export:create"));
  r.add_tenant("GET", "/export/{id}/download", data_export::download, opts().needs("export:create"));
  // tenant data lifecycle: purge a deleted tenant now (super admin; the slug as confirmation)
  r.call("POST", "/v1/tenants/{tenant}/purge", Scope::kTenant, "api.purge_tenant", purge::request,
         opts().inactive_ok());
  // tenant data lifecycle: retention, how long each kind of data is kept (within the plan's bounds)
  r.call_tenant("GET", "/retention", "api.get_retention", retention::get, opts().needs("config:read"));
  r.call_tenant("PUT", "/retention", "api.put_retention", retention::put, opts().needs("tenant:write"));

  // users: members of the current tenant
  r.call_tenant("GET", "/users", "api.list_members", users::list);
  r.call_tenant("POST", "/users", "api.create_member", users::create,
                opts().needs("members:write").with_idempotency_key());
  r.call_tenant("GET", "/users/{id}", "api.get_member", users::get);
  r.call_tenant("PATCH", "/users/{id}", "api.update_member", users::update);
  r.call_tenant("DELETE", "/users/{id}", "api.delete_member", users::remove, opts().needs("members:write"));

  // entitlements: every member reads them; only a platform operator overrides them (in SQL)
  r.call_tenant("GET", "/entitlements", "api.get_entitlements", entitlements::get);
  r.call("PUT", "/v1/tenants/{tenant}/entitlements", Scope::kTenant, "api.put_entitlements",
         entitlements::put);

  // usage: metering reports (usage:read) and app-defined meters (usage:write; idempotent by the
  // event's own id, so no Idempotency-Key)
  r.call_tenant("POST", "/usage/events", "api.record_usage_events", usage::record_events,
                opts().needs("usage:write"));
  r.call_tenant("GET", "/usage", "api.get_usage", usage::current, opts().needs("usage:read"));
  r.call_tenant("GET", "/usage/daily", "api.get_usage_daily", usage::daily, opts().needs("usage:read"));
  r.call_tenant("GET", "/usage/trends", "api.get_usage_trends", usage::trends, opts().needs("usage:read"));
  // events: live Server-Sent Events from LISTEN/NOTIFY (the stream stays open; no worker thread waits)
  r.call("GET", "/v1/admin/events", Scope::kAuthenticated, "api.admin_events", events::admin_stream,
         opts().event_stream(EventStream::kOperator));
  r.call("GET", "/v1/tenant-status/{id}/events", Scope::kPublic, "api.tenant_status_events",
         events::tenant_status_stream, opts().event_stream(EventStream::kTenantStatus));

  // web: the operator dashboard and the sign-up status page, static files from WEB_DIR (no database)
  r.add("GET", "/admin", Scope::kPublic, web::dashboard);
  r.add("GET", "/admin/{file}", Scope::kPublic, web::asset);
  r.add("GET", "/signup/status/{id}", Scope::kPublic, web::signup_status_page);

  // webhooks
  // one call, on the worker pool (receipt enqueues a job, which the app role may not)
  r.add("POST", "/v1/webhooks/identity", Scope::kPublic, webhooks::receive);
}

}  // namespace tenantd::api
