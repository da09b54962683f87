-- tenantd.record_api_calls(counts): add the api_calls a tenantd process counted in memory to
-- tenantd.usage_daily, in one statement per flush (src/http/usage_meter.hpp: at most every
-- USAGE_FLUSH_SECONDS and at shutdown). counts is a JSON array of {"tenant_id", "day"
-- ('YYYY-MM-DD', UTC), "count"}; entries for a tenant that no longer exists, or malformed ones,
-- are skipped (nothing to bill) rather than failing the whole flush. Rows are written in
-- (tenant, day) order, so two processes flushing at once cannot deadlock. Returns the number of
-- calls recorded.
-- SECURITY DEFINER because one flush holds many tenants' counts: it is executed by
-- tenantd_worker (the service's worker pool), which has no rights on usage_daily, and it sets
-- each tenant as the context (transaction-locally) before writing that tenant's row, so the
-- own-tenant policies decide the write.
create or replace function tenantd.record_api_calls(p_counts jsonb) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_row record;
  v_total bigint := 0;
  -- now() through a variable: Citus requires immutable functions in ON CONFLICT DO UPDATE SET
  v_now timestamptz := now();
begin
  if jsonb_typeof(p_counts) is distinct from 'array' then
    return 0;
  end if;
  perform set_config('app.permissions', ',usage:read,', true);
  for v_row in
    select t.id as tenant_id, e.day, sum(e.count) as count
      from jsonb_to_recordset(p_counts) as e(tenant_id text, day text, count bigint)
      join tenantd.tenants t on t.id = tenantd.parse_uuid(e.tenant_id)
     where e.day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' and e.count > 0
     group by t.id, e.day
     order by t.id, e.day
  loop
    perform set_config('app.tenant_id', v_row.tenant_id::text, true);
    -- on Citus: as SET LOCAL too, so the worker holding the tenant's shard checks the policy
    -- with this tenant (sql/39); nothing on one node
    perform tenantd.propagate_context();
    insert into tenantd.usage_daily as u (tenant_id, metric, day, value)
    values (v_row.tenant_id, 'api_calls', v_row.day::date, v_row.count)
    on conflict (tenant_id, metric, day)
    do update set value = u.value + excluded.value, updated_at = v_now;
    v_total := v_total + v_row.count;
  end loop;
  perform set_config('app.tenant_id', '', true), set_config('app.permissions', '', true);
  perform tenantd.propagate_context();
  return v_total;
end
$$;

revoke all on function tenantd.record_api_calls(jsonb) from public;
grant execute on function tenantd.record_api_calls(jsonb) to tenantd_worker;
