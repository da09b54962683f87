-- tenantd.usage_events: tenant-owned metered events (app-defined meters). They are written
-- only by tenantd.record_usage_events (SECURITY DEFINER: it also adds them to usage_daily,
-- which no login role may write), inside the caller's tenant and only with usage:write, so the
-- insert policy below decides that write. Reading needs usage:read, or usage:write (a writer
-- compares a repeated event id with the stored event). No UPDATE or DELETE for any login role:
-- they are billing records and the daily sums were computed from them; rows past the tenant's
-- retention leave only through the retention sweep (policies/zz_retention.sql).
alter table tenantd.usage_events enable row level security;
alter table tenantd.usage_events force row level security;

revoke all on table tenantd.usage_events from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select on table tenantd.usage_events to tenantd_app;
grant select on table tenantd.usage_events to tenantd_readonly;

call tenantd.drop_policies('tenantd.usage_events');

create policy select_own_tenant_with_usage_permission on tenantd.usage_events for select
  using (tenant_id = tenantd.current_tenant_id()
         and (tenantd.has_permission('usage:read') or tenantd.has_permission('usage:write')));

create policy select_own_tenant_reporting on tenantd.usage_events for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant_with_usage_write on tenantd.usage_events for insert
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('usage:write'));

create policy update_denied on tenantd.usage_events for update
  using (false) with check (false);

create policy delete_denied on tenantd.usage_events for delete
  using (false);
