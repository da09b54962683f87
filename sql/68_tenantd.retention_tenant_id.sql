-- tenantd.retention_tenant_id(): the tenant tenantd.retention_step is sweeping right now, from
-- the transaction-local setting tenantd.retention_tenant; NULL otherwise. Read by the retention
-- policies (retention_select_as_owner, retention_delete_as_owner, for tenantd_owner, on
-- audit_log, invitations, sessions, usage_events and retention_settings): they open that one
-- tenant's rows to the sweep's definer function and nothing else. Any session can write a
-- setting, so the name counts only when tenantd.retention_tenant_checked() agrees. Inlinable on
-- purpose (as tenantd.purge_tenant_id()): outside a sweep the setting is empty and owner
-- queries pay one current_setting per row, never a lookup.
create or replace function tenantd.retention_tenant_id() returns uuid
language sql stable
as $$
  select case when coalesce(pg_catalog.current_setting('tenantd.retention_tenant', true), '') = '' then null::uuid
              else tenantd.retention_tenant_checked() end
$$;

revoke all on function tenantd.retention_tenant_id() from public;
