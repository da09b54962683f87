-- tenantd.tenant_exports: a tenant's data exports (0126_tenant_exports.sql). Who may export
-- (export:create, built-in tenant_admin) sees and starts its tenant's exports and renews their
-- download link (the GET of a finished export stores a new link token hash); nobody deletes one
-- through the app role (the purge does, through its generated policies). The export job's
-- definer functions set the tenant and export:create as the context, so these same policies
-- decide what they change. tenantd_readonly (reporting, and the export job's reads) reads its
-- tenant's exports, but not the link token hash.
alter table tenantd.tenant_exports enable row level security;
alter table tenantd.tenant_exports force row level security;

revoke all on table tenantd.tenant_exports from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select, insert, update on table tenantd.tenant_exports to tenantd_app;
grant select (tenant_id, id, status, include_secrets, requested_by, job_id, file_name, file_sha256, file_bytes,
              row_counts, error, link_expires_at, created_at, started_at, finished_at)
  on table tenantd.tenant_exports to tenantd_readonly;

call tenantd.drop_policies('tenantd.tenant_exports');

create policy select_own_tenant_with_export_create on tenantd.tenant_exports for select
  using (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('export:create'));

create policy select_own_tenant_reporting on tenantd.tenant_exports for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant_with_export_create on tenantd.tenant_exports for insert
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('export:create'));

-- WITH CHECK as well: an export must not be moved into another tenant
create policy update_own_tenant_with_export_create on tenantd.tenant_exports for update
  using (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('export:create'))
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('export:create'));

create policy delete_denied on tenantd.tenant_exports for delete
  using (false);
