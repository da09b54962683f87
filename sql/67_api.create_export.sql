-- api.create_export(ctx, include_secrets): POST /v1/export {"include_secrets": false}. Starts an
-- export of every row of the current tenant (the 'tenant.export' job writes the file) and answers
-- 202 with the export (status 'queued') and where to watch it. The route needs export:create;
-- secrets in clear (include_secrets) need config:secrets as well. Audited ('export.requested').
--   TD403 without config:secrets for include_secrets (export:create: tenantd.enter)
create or replace function api.create_export(ctx jsonb, p_include_secrets boolean) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_export tenantd.tenant_exports;
  v_job bigint;
begin
  perform tenantd.enter(ctx);
  perform tenantd.require_permission('export:create', 'exporting the tenant''s data');
  if coalesce(p_include_secrets, false) then
    perform tenantd.require_permission('config:secrets', 'an export with secrets in clear');
  end if;
  insert into tenantd.tenant_exports (tenant_id, include_secrets, requested_by)
  values (tenantd.current_tenant_id(), coalesce(p_include_secrets, false), tenantd.current_user_id())
  returning * into v_export;
  v_job := tenantd.enqueue_export(v_export.id);
  update tenantd.tenant_exports e set job_id = v_job
   where e.tenant_id = v_export.tenant_id and e.id = v_export.id
  returning * into v_export;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_export.tenant_id, 'export.requested', 'export', v_export.id::text,
          jsonb_build_object('include_secrets', v_export.include_secrets, 'job_id', v_job));
  return tenantd.reply(202, tenantd.export_json(v_export)::json,
                       json_build_object('Location', '/v1/export/' || v_export.id::text));
end
$$;

revoke all on function api.create_export(jsonb, boolean) from public;
grant execute on function api.create_export(jsonb, boolean) to tenantd_app;
