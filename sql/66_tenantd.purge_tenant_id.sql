-- tenantd.purge_tenant_id(): the tenant tenantd.purge_step is deleting right now, from the
-- transaction-local setting tenantd.purge_tenant; NULL otherwise. Read by the purge policies
-- (policies/zz_purge.sql, on every tenant table for tenantd_owner) and by
-- tg_memberships__keep_admin (a purged tenant loses its last admin too).
-- Any session can write a setting, so the name counts only when tenantd.purge_tenant_checked()
-- agrees. Inlinable on purpose: outside a purge the setting is empty and every owner query pays
-- one current_setting per row, as with tenantd.current_tenant_id(), never a table lookup.
create or replace function tenantd.purge_tenant_id() returns uuid
language sql stable
as $$
  select case when coalesce(pg_catalog.current_setting('tenantd.purge_tenant', true), '') = '' then null::uuid
              else tenantd.purge_tenant_checked() end
$$;

revoke all on function tenantd.purge_tenant_id() from public;
