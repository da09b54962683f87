-- tenantd.lock_job(id, worker): the first statement of the transaction that does a job's work.
-- Locks the job row for the rest of that transaction, so no other worker can claim it even if
-- the lease runs out meanwhile, and returns false when the job is no longer this worker's
-- (its lease expired and another worker took it): the caller must then abandon the work.
--
-- SECURITY DEFINER: workers have no grants on tenantd.jobs.
create or replace function tenantd.lock_job(p_id bigint, p_worker text)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_mine boolean;
begin
  select j.state = 'running' and j.locked_by = p_worker into v_mine
    from tenantd.jobs j where j.id = p_id for update;
  return coalesce(v_mine, false);
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.lock_job(bigint, text) from public, tenantd_app;
grant execute on function tenantd.lock_job(bigint, text) to tenantd_worker;
