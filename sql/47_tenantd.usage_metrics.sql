-- tenantd.usage_metrics(): the metrics the service itself meters into tenantd.usage_daily, and
-- how a period's value is made from the days:
--   api_calls      sum   requests the tenant made (counted in the process, record_api_calls)
--   users_count    last  active memberships, sampled once a day (tenantd.snapshot_usage)
--   storage_rows   last  rows the tenant has across its tables, sampled once a day
--   storage_bytes  last  the bytes those rows occupy, an estimate sampled once a day
-- Any other metric in usage_daily is app-defined (POST /v1/usage/events) and summed. These
-- names, and the quota metrics (tenantd.quota_metrics), are reserved: an application cannot
-- report events under them (tenantd.record_usage_events), so a tenant cannot add to, or be
-- confused about, what the service measures.
create or replace function tenantd.usage_metrics()
returns table (metric text, aggregation text)
language sql immutable parallel safe
as $$
  values ('api_calls', 'sum'),
         ('users_count', 'last'),
         ('storage_rows', 'last'),
         ('storage_bytes', 'last')
$$;

revoke all on function tenantd.usage_metrics() from public;
grant execute on function tenantd.usage_metrics() to tenantd_app, tenantd_readonly;
