-- tenantd.export_json(export): an export as the API shows it (POST /v1/export, GET /v1/export/{id}):
-- never the link token hash or the file's name on disk.
create or replace function tenantd.export_json(e tenantd.tenant_exports) returns jsonb
language sql stable parallel safe
as $$
  select jsonb_build_object(
           'id', e.id, 'tenant_id', e.tenant_id, 'status', e.status, 'include_secrets', e.include_secrets,
           'requested_by', e.requested_by, 'job_id', e.job_id, 'row_counts', e.row_counts,
           'bytes', e.file_bytes, 'sha256', e.file_sha256, 'error', e.error,
           'created_at', tenantd.rfc3339(e.created_at), 'started_at', tenantd.rfc3339(e.started_at),
           'finished_at', tenantd.rfc3339(e.finished_at))
$$;

revoke all on function tenantd.export_json(tenantd.tenant_exports) from public;
grant execute on function tenantd.export_json(tenantd.tenant_exports) to tenantd_app;
