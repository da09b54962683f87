-- api.purge_tenant(ctx, confirm): POST /v1/tenants/{tenant}/purge {"confirm": "<slug>"}. A
-- platform operator purges a soft-deleted tenant now instead of after PURGE_GRACE_DAYS. The
-- confirmation must repeat the tenant's slug exactly (a purge cannot be undone). Answers 202
-- with the tenant id, the purge job and where to watch it; the job deletes every row of the
-- tenant (tenantd.purge_step) and keeps a tombstone.
--   TD403 not a super_admin    TDK03 confirmation_mismatch    TDC06 the tenant is not deleted
create or replace function api.purge_tenant(ctx jsonb, p_confirm text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_slug text;
  v_job bigint;
begin
  perform tenantd.enter(ctx);
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may purge a tenant';
  end if;
  v_tenant := tenantd.current_tenant_id();
  select t.slug into v_slug from tenantd.tenants t where t.id = v_tenant;
  if p_confirm is distinct from v_slug then
    raise exception using errcode = 'TDK03',
      message = 'field ''confirm'' must repeat the tenant''s slug exactly: a purge cannot be undone';
  end if;
  v_job := tenantd.request_purge(v_tenant, pg_catalog.current_setting('app.subject', true));
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'tenant.purge_requested', 'tenant', v_tenant::text, jsonb_build_object('job_id', v_job));
  return tenantd.reply(202, json_build_object('tenant_id', v_tenant, 'status', 'purging', 'job_id', v_job),
                       json_build_object('Location', '/v1/admin/jobs?kind=tenant.purge'));
end
$$;

revoke all on function api.purge_tenant(jsonb, text) from public;
grant execute on function api.purge_tenant(jsonb, text) to tenantd_app;
