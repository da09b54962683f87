-- tenantd.usage_daily: tenant-owned usage history. Reading needs usage:read. The app role may
-- only read: rows are added by tenantd.record_api_calls (SECURITY DEFINER, run by the service's
-- usage flush as tenantd_worker), which sets each row's tenant as the context before writing it,
-- so its writes pass the own-tenant insert and update policies below. No DELETE for anyone but
-- the owner's migrations: it is billing history.
alter table tenantd.usage_daily enable row level security;
alter table tenantd.usage_daily force row level security;

revoke all on table tenantd.usage_daily from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select on table tenantd.usage_daily to tenantd_app;
grant select on table tenantd.usage_daily to tenantd_readonly;

call tenantd.drop_policies('tenantd.usage_daily');

create policy select_own_tenant_with_usage_read on tenantd.usage_daily for select
  using (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('usage:read'));

create policy select_own_tenant_reporting on tenantd.usage_daily for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

-- the definer's writes, each inside the tenant it set (INSERT … ON CONFLICT DO UPDATE also reads
-- the conflicting row through the select policy above: record_api_calls sets usage:read too)
create policy insert_own_tenant on tenantd.usage_daily for insert
  with check (tenant_id = tenantd.current_tenant_id());

create policy update_own_tenant on tenantd.usage_daily for update
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());

-- SECURITY DEFINER writers (tenantd.record_usage_events, tenantd.snapshot_usage) upsert the
-- current tenant's day rows for callers that may report usage without reading it (usage:write
-- alone): ON CONFLICT DO UPDATE reads the conflicting row, inside the tenant they act in only
create policy select_as_owner on tenantd.usage_daily for select to tenantd_owner
  using (tenant_id = tenantd.current_tenant_id());

create policy delete_denied on tenantd.usage_daily for delete
  using (false);
