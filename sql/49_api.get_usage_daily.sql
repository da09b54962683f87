-- api.get_usage_daily(ctx, metric, from, to): GET /v1/usage/daily?metric=&from=&to= (and
-- /v1/tenants/{tenant}/usage/daily), the tenant's usage per UTC day from tenantd.usage_daily.
--   from, to   days 'YYYY-MM-DD', both included (TDB10 invalid_date otherwise); to defaults to
--              today (UTC), from to 29 days before to
--   metric     one metric (TDB09 invalid_metric unless a lower-case name): every day of the
--              range, 0 for a counter's day without a row, null for a gauge's day without a
--              sample; at most 366 days
--   no metric  every metric's rows that exist in the range; at most 31 days (a tenant may
--              have many app-defined meters)
-- A range the other way round or longer than allowed: TDB05 invalid_time_range.
-- Answer: {tenant_id, metric, from, to, data: [{day, metric, value}]}, by day then metric.
-- Needs usage:read.
create or replace function api.get_usage_daily(ctx jsonb, p_metric text, p_from text, p_to text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_metric text;
  v_from date;
  v_to date;
  v_max int;
  v_data jsonb;
begin
  perform tenantd.require_permission('usage:read', 'reading usage');
  v_metric := tenantd.check_usage_metric(p_metric);
  v_to := coalesce(tenantd.parse_usage_day(p_to, 'to'), (now() at time zone 'UTC')::date);
  v_from := coalesce(tenantd.parse_usage_day(p_from, 'from'), v_to - 29);
  v_max := case when v_metric is null then 31 else 366 end;
  if v_from > v_to then
    raise exception using errcode = 'TDB05', message = 'from must not be after to';
  end if;
  if v_to - v_from + 1 > v_max then
    raise exception using errcode = 'TDB05',
      message = format('at most %s days per request%s', v_max,
                       case when v_metric is null then ' without a metric (366 with one)' else '' end);
  end if;

  if v_metric is not null then
    select jsonb_agg(jsonb_build_object(
             'day', s.day, 'metric', v_metric,
             'value', case when d.value is not null then d.value
                           when coalesce(m.aggregation, 'sum') = 'sum' then 0 end)
           order by s.day)
      into v_data
      from (select g::date as day from generate_series(v_from, v_to, interval '1 day') g) s
      left join tenantd.usage_daily d on d.tenant_id = v_tenant and d.metric = v_metric and d.day = s.day
      left join tenantd.usage_metrics() m on m.metric = v_metric;
  else
    select coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'metric', d.metric, 'value', d.value)
                              order by d.day, d.metric), '[]')
      into v_data
      from tenantd.usage_daily d
     where d.tenant_id = v_tenant and d.day between v_from and v_to;
  end if;

  return tenantd.reply(200, jsonb_build_object(
    'tenant_id', v_tenant, 'metric', v_metric, 'from', v_from, 'to', v_to, 'data', v_data)::json);
end
$$;

revoke all on function api.get_usage_daily(jsonb, text, text, text) from public;
grant execute on function api.get_usage_daily(jsonb, text, text, text) to tenantd_app;
