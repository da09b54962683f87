-- tenantd.retention_policy(tenant): the tenant's retention per kind of data
-- (tenantd.retention_kinds()), the one answer to "how long is this kept":
--   {"audit_log": {"days": 90, "setting": 120, "default_days": 90, "min_days": 30,
--                  "max_days": 90, "clamped": true}, "invitations": {…}, …}
-- days is the effective value: the tenant's setting (or the plan's default without one) clamped
-- to the current plan's bounds, so a downgrade tightens it at once and an upgrade back restores
-- what was chosen; clamped says the setting was cut. A kind the plan has no row for has days
-- null: kept forever, never swept. NULL for a tenant the caller cannot see.
-- Security invoker: the API reads the setting through the tenant's policies; the sweep
-- (tenantd.retention_step, as the owner) through the retention policies, one tenant at a time.
-- plpgsql, not sql: on Citus a SQL function's parameterised statement over a distributed table
-- fails; plpgsql passes the values (docs/scale-out.md).
create or replace function tenantd.retention_policy(p_tenant uuid) returns jsonb
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_plan text;
  v_settings jsonb;
begin
  select t.plan into v_plan from tenantd.tenants t where t.id = p_tenant;
  if not found then
    return null;
  end if;
  select coalesce(jsonb_object_agg(s.data, s.days), '{}') into v_settings
    from tenantd.retention_settings s where s.tenant_id = p_tenant;
  return (
    select jsonb_object_agg(k.data, jsonb_build_object(
             'days', least(greatest(coalesce((v_settings ->> k.data)::int, r.default_days), r.min_days), r.max_days),
             'setting', (v_settings ->> k.data)::int,
             'default_days', r.default_days,
             'min_days', r.min_days,
             'max_days', r.max_days,
             'clamped', coalesce((v_settings ->> k.data)::int not between r.min_days and r.max_days, false)))
      from unnest(tenantd.retention_kinds()) k (data)
      left join tenantd.plan_retention r on r.plan_id = v_plan and r.data = k.data);
end
$$;

revoke all on function tenantd.retention_policy(uuid) from public;
grant execute on function tenantd.retention_policy(uuid) to tenantd_app, tenantd_readonly;
