-- tenantd.export_finish(tenant, export, file_name, sha256, bytes, row_counts): the 'tenant.export'
-- job's last step, in the transaction that completes the job: the file is written (its name in
-- EXPORT_DIR, SHA-256 and size) and the export is done with its row counts per table.
-- SECURITY DEFINER, tenantd_worker only, for the reason tenantd.export_start gives (the tenant's
-- own policies of tenant_exports apply).
create or replace function tenantd.export_finish(p_tenant uuid, p_export uuid, p_file_name text, p_sha256 text,
                                                 p_bytes bigint, p_row_counts jsonb) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform set_config('app.tenant_id', p_tenant::text, true),
          set_config('app.permissions', ',export:create,', true);
  perform tenantd.propagate_context();  -- on Citus, the shards' policies see it too
  update tenantd.tenant_exports e
     set status = 'done', file_name = p_file_name, file_sha256 = p_sha256, file_bytes = p_bytes,
         row_counts = coalesce(p_row_counts, '{}'), error = null, finished_at = now()
   where e.tenant_id = p_tenant and e.id = p_export and e.status = 'running';
  if not found then
    raise exception using errcode = 'TD404', message = 'no running export of this tenant with that id';
  end if;
  perform set_config('app.tenant_id', '', true), set_config('app.permissions', '', true);
  perform tenantd.propagate_context();
end
$$;

revoke all on function tenantd.export_finish(uuid, uuid, text, text, bigint, jsonb) from public;
grant execute on function tenantd.export_finish(uuid, uuid, text, text, bigint, jsonb) to tenantd_worker;
