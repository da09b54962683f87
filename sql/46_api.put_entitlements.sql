-- api.put_entitlements(ctx, limits, features, reason): PUT /v1/tenants/{tenant}/entitlements, a
-- platform operator replaces the tenant's plan overrides (tenantd.put_entitlements, audited) and
-- gets the effective entitlements back.
create or replace function api.put_entitlements(ctx jsonb, p_limits jsonb, p_features jsonb, p_reason text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_body jsonb;
begin
  v_body := tenantd.put_entitlements(p_limits, p_features, p_reason);
  return tenantd.reply(200, (jsonb_build_object('tenant_id', v_tenant) || v_body)::json);
end
$$;

revoke all on function api.put_entitlements(jsonb, jsonb, jsonb, text) from public;
grant execute on function api.put_entitlements(jsonb, jsonb, jsonb, text) to tenantd_app;
