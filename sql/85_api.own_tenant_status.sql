-- api.own_tenant_status(ctx): GET /v1/tenant-status: the status page of the tenant the request
-- acts in (the route allows suspended and deleted tenants: they may still ask). Never shows an
-- invitation token. Cache-Control: no-store.
-- Errors: TDN05 tenant_not_found.
create or replace function api.own_tenant_status(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  if v_tenant is null then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  return tenantd.reply(200, tenantd.tenant_status_json(v_tenant, null),
                       json_build_object('Cache-Control', 'no-store'));
end
$$;

revoke all on function api.own_tenant_status(jsonb) from public;
grant execute on function api.own_tenant_status(jsonb) to tenantd_app;
