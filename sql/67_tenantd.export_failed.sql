-- tenantd.export_failed(tenant, export, error, final): a 'tenant.export' attempt failed (in the
-- transaction that records the failure; the attempt's own work rolled back). The error is kept
-- for GET /v1/export/{id}; after the last attempt the export is 'failed', before it keeps its
-- status (the queue retries the job).
-- SECURITY DEFINER, tenantd_worker only, for the reason tenantd.export_start gives.
create or replace function tenantd.export_failed(p_tenant uuid, p_export uuid, p_error text, p_final boolean)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  -- a variable, not now() in the CASE: Citus refuses non-immutable functions inside a CASE of a
  -- distributed UPDATE; a plpgsql variable reaches it as a constant
  v_now timestamptz := now();
begin
  perform set_config('app.tenant_id', p_tenant::text, true),
          set_config('app.permissions', ',export:create,', true);
  perform tenantd.propagate_context();  -- on Citus, the shards' policies see it too
  update tenantd.tenant_exports e
     set status = case when p_final then 'failed' else e.status end,
         error = left(coalesce(p_error, 'unknown error'), 1000),
         finished_at = case when p_final then v_now end
   where e.tenant_id = p_tenant and e.id = p_export and e.status in ('queued', 'running');
  perform set_config('app.tenant_id', '', true), set_config('app.permissions', '', true);
  perform tenantd.propagate_context();
end
$$;

revoke all on function tenantd.export_failed(uuid, uuid, text, boolean) from public;
grant execute on function tenantd.export_failed(uuid, uuid, text, boolean) to tenantd_worker;
