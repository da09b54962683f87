-- tenantd.quota_period(at): the quota period a moment falls in — the calendar month in UTC —
-- as its key ('YYYY-MM'), its first instant and the first instant of the next period (when the
-- period's counters stop applying: the resets_at of a quota_exceeded answer). The one place
-- that decides periods: consume_quota, the usage endpoints and the tests all call it.
-- Computed in UTC whatever the caller's TimeZone setting, so two sessions in different zones
-- count the same request in the same month. Stable, not immutable: to_char is stable.
create or replace function tenantd.quota_period(p_at timestamptz,
                                                out period text,
                                                out starts_at timestamptz,
                                                out resets_at timestamptz)
language sql stable parallel safe
as $$
  select pg_catalog.to_char(m, 'YYYY-MM'),
         m at time zone 'UTC',
         (m + interval '1 month') at time zone 'UTC'
    from (select pg_catalog.date_trunc('month', p_at at time zone 'UTC') as m) s
$$;

revoke all on function tenantd.quota_period(timestamptz) from public;
grant execute on function tenantd.quota_period(timestamptz) to tenantd_app, tenantd_readonly;
