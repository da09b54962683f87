-- tenantd.observe_metric(name, labels, value, buckets): adds one observation to the counters that
-- outlive a process (tenantd.metric_counters), in the caller's transaction, so that work rolled
-- back counts nothing. Without buckets, `name` is a counter and grows by `value`. With buckets
-- (ascending upper bounds, seconds), `name` is a Prometheus histogram: every bucket whose bound is
-- >= value (and +Inf) grows by one, name_sum by value and name_count by one; the buckets are kept
-- cumulative, as the text format wants them. Counters never shrink: value must be >= 0.
--
-- SECURITY DEFINER: the workers have no grants on tenantd.metric_counters; this is their only
-- way to write it, and it writes only what it is given (no tenant data: kinds and outcomes).
create or replace function tenantd.observe_metric(
  p_name text, p_labels jsonb, p_value double precision, p_buckets double precision[] default null
) returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_le double precision;
begin
  -- (PostgreSQL orders NaN above every number and equal to itself, so it is named, not compared)
  if p_value is null or p_value < 0 or p_value in ('Infinity'::double precision, 'NaN'::double precision) then
    raise exception using errcode = 'TD400', message = 'a metric observation must be a finite number >= 0';
  end if;
  if p_buckets is null then
    insert into tenantd.metric_counters as c (name, labels, value)
    values (p_name, coalesce(p_labels, '{}'), p_value)
    on conflict (name, labels) do update set value = c.value + excluded.value, updated_at = now();
    return;
  end if;
  -- every bound, including those the value exceeds (their bucket exists with its count), in one
  -- statement; rows are taken in a fixed order (bounds ascending, then sum and count) so that two
  -- workers observing at once lock them in the same order and cannot deadlock
  insert into tenantd.metric_counters as c (name, labels, value)
  select s.name, s.labels, s.value
    from (select p_name || '_bucket' as name,
                 coalesce(p_labels, '{}') || jsonb_build_object('le', b.le_text) as labels,
                 case when p_value <= b.le then 1 else 0 end::double precision as value, b.ord
            from (select le, ord, case when le = 'Infinity' then '+Inf' else le::text end as le_text
                    from unnest(p_buckets || 'Infinity'::double precision) with ordinality u (le, ord)) b
          union all
          select p_name || '_sum', coalesce(p_labels, '{}'), p_value, 1000000
          union all
          select p_name || '_count', coalesce(p_labels, '{}'), 1, 1000001) s
   order by s.ord
  on conflict (name, labels) do update set value = c.value + excluded.value, updated_at = now();
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to skew the counters, even with abused SQL
revoke all on function tenantd.observe_metric(text, jsonb, double precision, double precision[])
  from public, tenantd_app;
grant execute on function tenantd.observe_metric(text, jsonb, double precision, double precision[])
  to tenantd_worker;
