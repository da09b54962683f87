-- tenantd.claim_job(worker, lease_seconds, kinds): takes the next due job for this worker and
-- leases it. Due = queued with run_at reached, or running with an expired lease (its worker
-- died or hung). SKIP LOCKED lets many workers claim concurrently without waiting on each
-- other or taking the same row. A job whose lease expired after its last allowed attempt is
-- marked failed instead of run again. Commits on its own (the caller's claim transaction).
--
-- SECURITY DEFINER: the worker role has no grants on tenantd.jobs.
create or replace function tenantd.claim_job(
  p_worker text,
  p_lease_seconds integer,
  p_kinds text[] default null
) returns setof tenantd.jobs
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  update tenantd.jobs j
     set state = 'failed', last_error = 'lease expired after the last attempt', lease_until = null,
         locked_by = null, updated_at = now()
   where j.state = 'running' and j.lease_until < now() and j.attempts >= j.max_attempts;

  return query
  with next as (
    select j.id
      from tenantd.jobs j
     where ((j.state = 'queued' and j.run_at <= now())
            or (j.state = 'running' and j.lease_until < now() and j.attempts < j.max_attempts))
       and (p_kinds is null or j.kind = any (p_kinds))
     order by j.run_at, j.id
     for update skip locked
     limit 1
  )
  update tenantd.jobs j
     set state = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         lease_until = now() + make_interval(secs => greatest(p_lease_seconds, 1)), updated_at = now()
    from next
   where j.id = next.id
  returning j.*;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.claim_job(text, integer, text[]) from public, tenantd_app;
grant execute on function tenantd.claim_job(text, integer, text[]) to tenantd_worker;
