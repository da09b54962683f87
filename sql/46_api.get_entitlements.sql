-- api.get_entitlements(ctx): GET /v1/entitlements and /v1/tenants/{tenant}/entitlements, the
-- effective entitlements of the tenant (tenantd.effective_entitlements): plan, limits, features
-- and the overrides that changed them. Every member of the tenant may read them (the SaaS
-- front end hides what the plan lacks); operators read any tenant by naming it.
create or replace function api.get_entitlements(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_body jsonb;
begin
  v_body := tenantd.effective_entitlements(v_tenant);
  if v_body is null then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  return tenantd.reply(200, (jsonb_build_object('tenant_id', v_tenant) || v_body)::json);
end
$$;

revoke all on function api.get_entitlements(jsonb) from public;
grant execute on function api.get_entitlements(jsonb) to tenantd_app;
