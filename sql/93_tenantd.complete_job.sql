-- tenantd.complete_job(id, worker): marks a job done. Called in the same transaction as the
-- job's effect (after tenantd.lock_job), so the effect and "done" commit together.
--
-- SECURITY DEFINER: workers have no grants on tenantd.jobs.
create or replace function tenantd.complete_job(p_id bigint, p_worker text)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  update tenantd.jobs j
     set state = 'completed', completed_at = now(), lease_until = null, last_error = null, updated_at = now()
   where j.id = p_id and j.state = 'running' and j.locked_by = p_worker;
  return found;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.complete_job(bigint, text) from public, tenantd_app;
grant execute on function tenantd.complete_job(bigint, text) to tenantd_worker;
