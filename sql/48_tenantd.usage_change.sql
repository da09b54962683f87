-- tenantd.usage_change(value, previous): the change of a usage value against an earlier one, as
-- the trend reports spell it: {previous, change, change_pct}. change is null when either is
-- unknown; change_pct (percent, 2 decimals) also when previous is 0: growth from nothing has no
-- ratio.
create or replace function tenantd.usage_change(p_value numeric, p_previous numeric) returns jsonb
language sql immutable parallel safe
as $$
  select pg_catalog.jsonb_build_object(
           'previous', p_previous,
           'change', p_value - p_previous,
           'change_pct', case when p_previous <> 0
                              then pg_catalog.round((p_value - p_previous) * 100 / p_previous, 2) end)
$$;

revoke all on function tenantd.usage_change(numeric, numeric) from public;
grant execute on function tenantd.usage_change(numeric, numeric) to tenantd_app, tenantd_readonly;
