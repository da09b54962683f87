-- tenantd.retention_settings: tenant-owned. Members with config:read see how long their tenant
-- keeps its data (GET /v1/retention); changing it needs tenant:write (PUT /v1/retention, which
-- also checks the plan's bounds): shortening the audit log's retention erases history sooner,
-- so it is a tenant administrator's decision, like the tenant's domains and allowed origins.
alter table tenantd.retention_settings enable row level security;
alter table tenantd.retention_settings force row level security;

revoke all on table tenantd.retention_settings from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select, delete on table tenantd.retention_settings to tenantd_app;
-- updated_at too: Citus names every column in a shard's INSERT (defaults computed on the
-- coordinator), where the column privileges are checked again; the stamp trigger
-- (sql/68_tenantd.tg__stamp_retention_settings.sql) overwrites updated_by and updated_at, so
-- the caller still decides neither
grant insert (tenant_id, data, days, updated_by, updated_at), update (days, updated_by, updated_at)
  on table tenantd.retention_settings to tenantd_app;
grant select on table tenantd.retention_settings to tenantd_readonly;

call tenantd.drop_policies('tenantd.retention_settings');

create policy select_own_tenant on tenantd.retention_settings for select
  using (tenant_id = tenantd.current_tenant_id()
         and (tenantd.has_permission('config:read') or tenantd.has_permission('tenant:write')));

create policy select_own_tenant_reporting on tenantd.retention_settings for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.retention_settings for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write'));

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.retention_settings for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write'));

create policy delete_own_tenant on tenantd.retention_settings for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'));
