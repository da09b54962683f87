-- tenantd.fail_job(id, worker, error, base_ms): records a failed attempt. Until max_attempts the
-- job goes back to the queue after an exponential backoff with jitter,
--   base_ms * 2^(attempts - 1), capped at one hour, times a random factor in [0.5, 1),
-- so that jobs failing together do not retry together. After the last attempt it is failed
-- for good (an operator can `tenantd jobs retry ID`).
--
-- SECURITY DEFINER: workers have no grants on tenantd.jobs.
create or replace function tenantd.fail_job(p_id bigint, p_worker text, p_error text, p_base_ms integer default 1000)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_state text;
begin
  update tenantd.jobs j
     set state = case when j.attempts >= j.max_attempts then 'failed' else 'queued' end,
         run_at = case when j.attempts >= j.max_attempts then j.run_at
                       else now() + make_interval(secs =>
                              least(3600.0, greatest(p_base_ms, 1) / 1000.0 * power(2, greatest(j.attempts - 1, 0)))
                              * (0.5 + random() * 0.5))
                  end,
         last_error = left(p_error, 2000), lease_until = null, locked_by = null, updated_at = now()
   where j.id = p_id and j.state = 'running' and j.locked_by = p_worker
  returning j.state into v_state;
  return v_state;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.fail_job(bigint, text, text, integer) from public, tenantd_app;
grant execute on function tenantd.fail_job(bigint, text, text, integer) to tenantd_worker;
