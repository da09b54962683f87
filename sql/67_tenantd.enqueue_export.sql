-- tenantd.enqueue_export(export): the 'tenant.export' job of an export the caller just made,
-- once per export (dedupe key). Returns the job id.
-- SECURITY DEFINER: the app role may not add jobs (tenantd.enqueue_job is the workers'). What
-- the caller may queue is decided from its context, not from the export's row: the job names
-- the context's tenant (never one the caller passes), and the context must hold export:create.
-- The row is not read here: on Citus the caller has just written it, and a shard written by one
-- role in a transaction cannot be read by another in it (docs/scale-out.md, item 1). An id that
-- names no queued export of that tenant queues a job that does nothing: tenantd.export_start
-- finds no such export (TD404) or a finished one (skipped), and the caller could insert such
-- an export itself and queue it anyway.
create or replace function tenantd.enqueue_export(p_export uuid) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
begin
  if v_tenant is null or p_export is null or not tenantd.has_permission('export:create') then
    raise exception using errcode = 'TDC20', message = 'no such export in this tenant';
  end if;
  return tenantd.enqueue_job('tenant.export', jsonb_build_object('tenant_id', v_tenant, 'export_id', p_export),
                             now(), 3, 'tenant.export:' || p_export::text);
end
$$;

revoke all on function tenantd.enqueue_export(uuid) from public;
grant execute on function tenantd.enqueue_export(uuid) to tenantd_app;
