-- api.get_retention(ctx): GET /v1/retention and /v1/tenants/{tenant}/retention, how long the
-- tenant keeps each kind of data (tenantd.retention_policy): the effective days, the tenant's
-- own setting, and the plan's default and bounds, in the shape PUT takes back:
--   {"tenant_id": "…", "plan": "free", "retention": {"audit_log": {"days": 90, …}, …}}
-- The route needs config:read (the select policy of retention_settings repeats it).
create or replace function api.get_retention(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_plan text;
begin
  perform tenantd.require_permission('config:read', 'reading the retention settings');
  select t.plan into v_plan from tenantd.tenants t where t.id = v_tenant;
  if not found then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  return tenantd.reply(200, json_build_object('tenant_id', v_tenant, 'plan', v_plan,
                                              'retention', tenantd.retention_policy(v_tenant)));
end
$$;

revoke all on function api.get_retention(jsonb) from public;
grant execute on function api.get_retention(jsonb) to tenantd_app;
