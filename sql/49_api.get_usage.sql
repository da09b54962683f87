-- api.get_usage(ctx): GET /v1/usage (and /v1/tenants/{tenant}/usage), the tenant's usage in
-- the current period (the calendar month in UTC, tenantd.quota_period), one entry per metric:
--   kind "monthly_quota"  a quota counted per month (invitations_per_month, …): value = this
--                         month's counter, limit = the effective limit, resets_at = next month
--   kind "current_quota"  a quota on what exists now (members, custom_roles, domains, api_keys,
--                         sessions): value = the live count (null if it cannot be counted),
--                         limit, resets_at null (freed by deleting, not by time)
--   kind "counter"        a metered sum (api_calls, app-defined meters): the month's total so
--                         far, resets_at = next month; today's api_calls reach it with the next
--                         flush of each process
--   kind "gauge"          a daily sample (users_count, storage_rows, storage_bytes): the
--                         latest sample of the month, its day in as_of; resets_at null
-- limit null: no limit applies (the metric has none, or the plan leaves it unlimited).
-- Needs usage:read (the route table; checked again here for psql users).
create or replace function api.get_usage(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_period record;
  v_limits jsonb;
  v_quotas jsonb;
  v_metered jsonb;
  v_data jsonb;
begin
  perform tenantd.require_permission('usage:read', 'reading usage');
  v_period := tenantd.quota_period(now());
  v_limits := tenantd.effective_entitlements(v_tenant) -> 'limits';
  if v_limits is null then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;

  -- Two statements, then merged: quota_in_use queries the tenant's tables itself, so it must run
  -- on the coordinator; in one query with the usage_daily part (one shard) Citus pushed the whole
  -- query to the worker, where a function querying a distributed table is refused ("cannot
  -- execute a distributed query from a query on a shard", docs/scale-out.md).
  select coalesce(jsonb_agg(jsonb_build_object(
           'metric', q.metric, 'kind', q.kind || '_quota', 'value', tenantd.quota_in_use(q.metric),
           'limit', (v_limits ->> q.metric)::bigint,
           'resets_at', case q.kind when 'monthly' then tenantd.rfc3339(v_period.resets_at) end,
           'as_of', null::date)), '[]')
    into v_quotas
    from tenantd.quota_metrics() q;

  select coalesce(jsonb_agg(jsonb_build_object(
           'metric', x.metric, 'kind', x.kind, 'value', x.value, 'limit', x.lim,
           'resets_at', x.resets_at, 'as_of', x.as_of)), '[]')
    into v_metered
    from (
    select d.metric,
           case coalesce(m.aggregation, 'sum') when 'sum' then 'counter' else 'gauge' end as kind,
           case coalesce(m.aggregation, 'sum')
             when 'sum' then sum(d.value)::bigint
             else (array_agg(d.value order by d.day desc))[1] end as value,
           null::bigint as lim,
           case coalesce(m.aggregation, 'sum') when 'sum' then tenantd.rfc3339(v_period.resets_at) end as resets_at,
           case coalesce(m.aggregation, 'sum') when 'last' then max(d.day) end as as_of
      from tenantd.usage_daily d
      left join tenantd.usage_metrics() m on m.metric = d.metric
     where d.tenant_id = v_tenant
       and d.day >= (v_period.starts_at at time zone 'UTC')::date
       and d.day < (v_period.resets_at at time zone 'UTC')::date
     group by d.metric, m.aggregation
    ) x;

  -- by metric, quotas before meters of the same name (as the union all gave them)
  select coalesce(jsonb_agg(e.item order by e.item ->> 'metric', e.n), '[]')
    into v_data
    from jsonb_array_elements(v_quotas || v_metered) with ordinality e(item, n);

  return tenantd.reply(200, jsonb_build_object(
    'tenant_id', v_tenant,
    'period', v_period.period,
    'starts_at', tenantd.rfc3339(v_period.starts_at),
    'resets_at', tenantd.rfc3339(v_period.resets_at),
    'data', v_data)::json);
end
$$;

revoke all on function api.get_usage(jsonb) from public;
grant execute on function api.get_usage(jsonb) to tenantd_app;
