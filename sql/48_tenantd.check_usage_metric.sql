-- tenantd.check_usage_metric(metric, required): the metric filter of the usage reports, as
-- usage_daily spells metrics (a lower-case name, ^[a-z][a-z0-9_]{0,62}$). NULL or '' gives
-- NULL (every metric) unless required; anything else raises TDB09 invalid_metric.
create or replace function tenantd.check_usage_metric(p_metric text, p_required boolean default false)
returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
begin
  if coalesce(p_metric, '') = '' then
    if p_required then
      raise exception using errcode = 'TDB09', message = 'metric is required, e.g. metric=api_calls';
    end if;
    return null;
  end if;
  if p_metric !~ '^[a-z][a-z0-9_]{0,62}$' then
    raise exception using errcode = 'TDB09',
      message = 'metric must be a lower-case name (a-z first, then a-z, 0-9, _; at most 63)';
  end if;
  return p_metric;
end
$$;

revoke all on function tenantd.check_usage_metric(text, boolean) from public;
grant execute on function tenantd.check_usage_metric(text, boolean) to tenantd_app, tenantd_readonly;
