-- api.put_retention(ctx, retention): PUT /v1/retention and /v1/tenants/{tenant}/retention. The
-- body is an object of days per kind of data, e.g. {"audit_log": 180, "sessions": null}: a kind
-- not named keeps its setting, null goes back to the plan's default. Each number must be a whole
-- number of days within the current plan's bounds (tenantd.plan_retention): the setting is what
-- the tenant chose, the plan still clamps it later (a downgrade tightens the effective value).
-- Writes a 'retention.updated' audit row with the old and new settings, in the same
-- transaction, and answers what GET answers.
--   TD400 no tenant context · TD403 without tenant:write
--   TDC24 invalid_retention: not an object, an unknown kind, not a whole number or null
--   TDC23 retention_out_of_bounds: outside the plan's bounds, or a kind the plan keeps forever
--         (DETAIL {"field", "plan", "min_days", "max_days"})
-- Security invoker: the writes go through the policies of retention_settings.
create or replace function api.put_retention(ctx jsonb, p_retention jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_plan text;
  v_key text;
  v_value jsonb;
  v_days int;
  v_bounds tenantd.plan_retention;
  v_old jsonb;
  v_new jsonb;
begin
  perform tenantd.require_permission('tenant:write', 'changing the retention settings');
  if jsonb_typeof(p_retention) is distinct from 'object' then
    raise exception using errcode = 'TDC24',
      message = 'the body must be a JSON object of days per kind of data, e.g. {"audit_log": 180}';
  end if;
  select t.plan into v_plan from tenantd.tenants t where t.id = v_tenant;
  if not found then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  -- checked in kind order, so the first error named is the same whatever the body's key order
  for v_key, v_value in
    select e.key, e.value from jsonb_each(p_retention) e
     order by array_position(tenantd.retention_kinds(), e.key) nulls first, e.key
  loop
    if not v_key = any (tenantd.retention_kinds()) then
      raise exception using errcode = 'TDC24',
        message = format('unknown kind of data %s (one of: %s)', left(v_key, 64),
                         array_to_string(tenantd.retention_kinds(), ', ')),
        detail = jsonb_build_object('field', left(v_key, 64))::text;
    end if;
    continue when jsonb_typeof(v_value) = 'null';
    if jsonb_typeof(v_value) <> 'number' or v_value::text !~ '^[0-9]{1,9}$' then
      raise exception using errcode = 'TDC24',
        message = format('%s must be a whole number of days, or null for the plan''s default', v_key),
        detail = jsonb_build_object('field', v_key)::text;
    end if;
    v_days := v_value::text::int;
    select * into v_bounds from tenantd.plan_retention r where r.plan_id = v_plan and r.data = v_key;
    if not found then
      raise exception using errcode = 'TDC23',
        message = format('plan %s keeps %s without a retention limit: it cannot be set', v_plan, v_key),
        detail = jsonb_build_object('field', v_key, 'plan', v_plan, 'min_days', null, 'max_days', null)::text;
    end if;
    if v_days not between v_bounds.min_days and v_bounds.max_days then
      raise exception using errcode = 'TDC23',
        message = format('%s: %s days is outside the bounds of plan %s (%s to %s days)',
                         v_key, v_days, v_plan, v_bounds.min_days, v_bounds.max_days),
        detail = jsonb_build_object('field', v_key, 'plan', v_plan, 'min_days', v_bounds.min_days,
                                    'max_days', v_bounds.max_days)::text;
    end if;
  end loop;

  select coalesce(jsonb_object_agg(s.data, s.days), '{}') into v_old
    from tenantd.retention_settings s where s.tenant_id = v_tenant;
  -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
  -- colocated table through COPY, which it refuses under row-level security
  for v_key, v_value in select e.key, e.value from jsonb_each(p_retention) e order by e.key loop
    if jsonb_typeof(v_value) = 'null' then
      delete from tenantd.retention_settings s where s.tenant_id = v_tenant and s.data = v_key;
    else
      insert into tenantd.retention_settings as s (tenant_id, data, days, updated_by)
      values (v_tenant, v_key, v_value::text::int, tenantd.current_user_id())
      on conflict (tenant_id, data) do update
         set days = excluded.days, updated_by = excluded.updated_by;  -- updated_at: the stamp trigger
    end if;
  end loop;
  select coalesce(jsonb_object_agg(s.data, s.days), '{}') into v_new
    from tenantd.retention_settings s where s.tenant_id = v_tenant;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'retention.updated', 'tenant', v_tenant::text,
          jsonb_build_object('old', v_old, 'new', v_new));
  return tenantd.reply(200, json_build_object('tenant_id', v_tenant, 'plan', v_plan,
                                              'retention', tenantd.retention_policy(v_tenant)));
end
$$;

revoke all on function api.put_retention(jsonb, jsonb) from public;
grant execute on function api.put_retention(jsonb, jsonb) to tenantd_app;
