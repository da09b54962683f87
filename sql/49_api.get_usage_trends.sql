-- api.get_usage_trends(ctx, metric, days): GET /v1/usage/trends?metric=&days= (and
-- /v1/tenants/{tenant}/usage/trends), how one metric moves over the last `days` UTC days
-- (1 to 90, default 7; TDB05 invalid_time_range otherwise), today included:
--   data     one entry per day: value, and its day-over-day and week-over-week change
--            ({previous, change, change_pct}: the day before / 7 days before; change_pct is
--            null when the previous value is 0 or unknown)
--   summary  the window against the window just before it, as long: a counter's totals
--            (api_calls, app-defined meters), a gauge's latest samples (users_count, storage_*)
-- A counter's day without a row is 0; a gauge's day without a sample is null (no sample, not
-- zero). Today is partial: api_calls reach it with each process's next flush.
-- metric is required (TDB09 invalid_metric). Needs usage:read.
create or replace function api.get_usage_trends(ctx jsonb, p_metric text, p_days int)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_metric text;
  v_days int := coalesce(p_days, 7);
  v_today date := (now() at time zone 'UTC')::date;
  v_sum boolean;
  v_data jsonb;
  v_current numeric;
  v_previous numeric;
begin
  perform tenantd.require_permission('usage:read', 'reading usage');
  v_metric := tenantd.check_usage_metric(p_metric, true);
  if v_days not between 1 and 90 then
    raise exception using errcode = 'TDB05', message = 'days must be from 1 to 90';
  end if;
  v_sum := coalesce((select m.aggregation = 'sum' from tenantd.usage_metrics() m where m.metric = v_metric), true);

  -- one statement over the series: the window, the window before it, and the 7 days before
  -- the window's first day
  with s as (
    select g.day, case when d.value is not null then d.value when v_sum then 0 end::numeric as value
      from (select x::date as day
              from generate_series(v_today - (greatest(2 * v_days, v_days + 7) - 1), v_today,
                                   interval '1 day') x) g
      left join tenantd.usage_daily d on d.tenant_id = v_tenant and d.metric = v_metric and d.day = g.day
  ),
  win as (select * from s where s.day > v_today - v_days),
  before as (select * from s where s.day <= v_today - v_days and s.day > v_today - 2 * v_days)
  select (select jsonb_agg(jsonb_build_object(
                   'day', t.day, 'value', t.value,
                   'day_over_day', tenantd.usage_change(t.value, p1.value),
                   'week_over_week', tenantd.usage_change(t.value, p7.value))
                 order by t.day)
            from win t
            left join s p1 on p1.day = t.day - 1
            left join s p7 on p7.day = t.day - 7),
         case when v_sum then (select sum(value) from win)
              else (select value from win where value is not null order by day desc limit 1) end,
         case when v_sum then (select sum(value) from before)
              else (select value from before where value is not null order by day desc limit 1) end
    into v_data, v_current, v_previous;

  return tenantd.reply(200, jsonb_build_object(
    'tenant_id', v_tenant, 'metric', v_metric, 'days', v_days,
    'from', v_today - (v_days - 1), 'to', v_today,
    'aggregation', case when v_sum then 'sum' else 'last' end,
    'summary', jsonb_build_object('current', v_current) || tenantd.usage_change(v_current, v_previous),
    'data', v_data)::json);
end
$$;

revoke all on function api.get_usage_trends(jsonb, text, int) from public;
grant execute on function api.get_usage_trends(jsonb, text, int) to tenantd_app;
