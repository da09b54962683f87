-- tenantd.sweep_jobs(keep_days): deletes completed jobs older than keep_days (failed ones stay
-- for an operator to look at or retry). Returns the count. Part of 'maintenance.sweep'.
--
-- SECURITY DEFINER: workers have no grants on tenantd.jobs.
create or replace function tenantd.sweep_jobs(p_keep_days integer default 7)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count integer;
begin
  delete from tenantd.jobs j
   where j.state = 'completed' and j.completed_at < now() - make_interval(days => p_keep_days);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.sweep_jobs(integer) from public, tenantd_app;
grant execute on function tenantd.sweep_jobs(integer) to tenantd_worker;
