-- tenantd.enqueue_export(export): the 'tenant.export' job of an export the caller just made,
-- once per export (dedupe key). Returns the job id.
-- SECURITY DEFINER: the app role may not add jobs (tenantd.enqueue_job is the workers'). The
-- export is looked up under the caller's own context (the tenant policies of tenant_exports
-- apply to the owner too), so it queues only an export of the caller's tenant that is still
-- queued, and the job names that tenant.
create or replace function tenantd.enqueue_export(p_export uuid) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
begin
  select e.tenant_id into v_tenant
    from tenantd.tenant_exports e
   where e.tenant_id = tenantd.current_tenant_id() and e.id = p_export and e.status = 'queued';
  if v_tenant is null then
    raise exception using errcode = 'TDC20', message = 'no such export in this tenant';
  end if;
  return tenantd.enqueue_job('tenant.export', jsonb_build_object('tenant_id', v_tenant, 'export_id', p_export),
                             now(), 3, 'tenant.export:' || p_export::text);
end
$$;

revoke all on function tenantd.enqueue_export(uuid) from public;
grant execute on function tenantd.enqueue_export(uuid) to tenantd_app;
