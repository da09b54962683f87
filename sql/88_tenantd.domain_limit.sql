-- tenantd.domain_limit(): how many live custom-domain claims (pending, verified, unverified) the
-- current tenant's plan allows; NULL = unlimited. The one place the limit is read, so the plans
-- work can point it at the tenant's effective entitlements without touching the callers.
-- Fails closed: a tenant whose plan cannot be read gets 403 quota_exceeded, not "no limit".
create or replace function tenantd.domain_limit() returns integer
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_limit integer;
begin
  select p.custom_domains into strict v_limit
    from tenantd.tenants t join tenantd.plans p on p.id = t.plan
   where t.id = tenantd.current_tenant_id();
  return v_limit;
exception when no_data_found then
  raise exception using errcode = 'TDF07',
    message = 'the custom domain limit of this tenant''s plan could not be read';
end
$$;

revoke all on function tenantd.domain_limit() from public;
grant execute on function tenantd.domain_limit() to tenantd_app;
