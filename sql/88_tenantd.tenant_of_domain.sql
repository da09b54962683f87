-- tenantd.tenant_of_domain(hostname): the tenant a verified custom domain belongs to, or NULL
-- (unknown, pending, failed, expired, unverified, or its tenant deleted). Host routing
-- (tenantd.enter), the on-demand TLS ask (api.domain_allowed) and a claim (is the hostname
-- someone else's?) use it. One index lookup (domains_verified_hostname_key).
-- SECURITY DEFINER: it looks across tenants before any context exists; it returns the tenant id
-- only, and only for a verified hostname, which the platform answers publicly anyway (the TLS ask).
create or replace function tenantd.tenant_of_domain(p_hostname text) returns uuid
language sql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
  select d.tenant_id
    from tenantd.domains d join tenantd.tenants t on t.id = d.tenant_id
   where d.hostname = p_hostname and d.status = 'verified' and t.deleted_at is null
$$;

revoke all on function tenantd.tenant_of_domain(text) from public;
grant execute on function tenantd.tenant_of_domain(text) to tenantd_app;
