-- tenantd.check_entitlement_overrides(limits, features): refuse an override a plan could not
-- express, before it is stored (TDV10 invalid_entitlements, 422): limits are keyed by a quota
-- metric (tenantd.quota_metrics), sessions or api_requests_per_minute, each an integer from 0
-- to 2147483647 or null (unlimited); features are keyed by a lower-case name, each a boolean.
create or replace function tenantd.check_entitlement_overrides(p_limits jsonb, p_features jsonb)
returns void
language plpgsql immutable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_key text;
  v_value jsonb;
begin
  if jsonb_typeof(p_limits) is distinct from 'object' or jsonb_typeof(p_features) is distinct from 'object' then
    raise exception using errcode = 'TDV10', message = 'limits and features must be JSON objects';
  end if;
  for v_key, v_value in select * from jsonb_each(p_limits) loop
    if v_key not in (select q.metric from tenantd.quota_metrics() q)
       and v_key not in ('sessions', 'api_requests_per_minute') then
      raise exception using errcode = 'TDV10', message = format('unknown limit %s', left(v_key, 64));
    end if;
    if jsonb_typeof(v_value) <> 'null'
       and (jsonb_typeof(v_value) <> 'number' or v_value::text !~ '^[0-9]{1,10}$'
            or v_value::text::bigint > 2147483647) then
      raise exception using errcode = 'TDV10',
        message = format('limit %s must be an integer from 0 to 2147483647, or null for unlimited', v_key);
    end if;
  end loop;
  for v_key, v_value in select * from jsonb_each(p_features) loop
    if v_key !~ '^[a-z][a-z0-9_]{0,62}$' or jsonb_typeof(v_value) <> 'boolean' then
      raise exception using errcode = 'TDV10',
        message = format('feature %s must be a lower-case name with a boolean value', left(v_key, 64));
    end if;
  end loop;
end
$$;

revoke all on function tenantd.check_entitlement_overrides(jsonb, jsonb) from public;
grant execute on function tenantd.check_entitlement_overrides(jsonb, jsonb) to tenantd_app;
