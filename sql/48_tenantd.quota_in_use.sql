-- tenantd.quota_in_use(metric): what GET /v1/usage shows as a quota metric's use in the current
-- tenant: the current period's counter of a monthly metric, the live count of a 'current' one
-- (tenantd.quota_used, the count consume_quota admits against). NULL when it cannot be counted
-- (the table of a feature that is not built yet): a report shows "unknown", it never fails.
-- Security invoker: the counter is read through its own-tenant policy; quota_used returns a
-- number for the current tenant only.
create or replace function tenantd.quota_in_use(p_metric text) returns bigint
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_kind text;
  v_value bigint;
begin
  select q.kind into v_kind from tenantd.quota_metrics() q where q.metric = p_metric;
  if v_kind = 'monthly' then
    select c.value into v_value from tenantd.quota_counters c
     where c.tenant_id = tenantd.current_tenant_id() and c.metric = p_metric
       and c.period = (tenantd.quota_period(pg_catalog.now())).period;
    return coalesce(v_value, 0);
  elsif v_kind = 'current' then
    begin
      return tenantd.quota_used(p_metric);
    exception when undefined_table then
      return null;
    end;
  end if;
  return null;
end
$$;

revoke all on function tenantd.quota_in_use(text) from public;
grant execute on function tenantd.quota_in_use(text) to tenantd_app;
