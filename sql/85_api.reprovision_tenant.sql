-- api.reprovision_tenant(ctx): POST /v1/tenants/{tenant}/reprovision (super admins): retry the
-- provisioning of a failed tenant (tenantd.reprovision_tenant). Answers 202 with
-- {tenant_id, status, status_url} and Location: the status page to watch.
-- Errors: TD403 not a super admin; TDN05 tenant_not_found; TDC06 invalid_state (not failed).
create or replace function api.reprovision_tenant(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_row record;
begin
  select * into v_row from tenantd.reprovision_tenant(v_tenant);
  return tenantd.reply(202,
    json_build_object('tenant_id', v_row.tenant_id, 'status', v_row.status,
                      'status_url', '/v1/tenant-status/' || v_row.tenant_id),
    json_build_object('Location', '/v1/tenant-status/' || v_row.tenant_id));
end
$$;

revoke all on function api.reprovision_tenant(jsonb) from public;
grant execute on function api.reprovision_tenant(jsonb) to tenantd_app;
