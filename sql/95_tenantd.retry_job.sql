-- tenantd.retry_job(id): an operator's retry of a failed job: queued again now, attempts reset.
-- Returns false when the job is not failed (a queued or running job needs no retry).
--
-- SECURITY DEFINER: no login role has grants on tenantd.jobs. `tenantd jobs retry` calls it as
-- the migrator (an operator's credential); the HTTP API does not offer it, so the app role may
-- not execute it. The caller must be a super_admin or the owner (checked here, so psql users
-- get the same rule).
create or replace function tenantd.retry_job(p_id bigint)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if not tenantd.is_super_admin() and not pg_has_role(session_user, 'tenantd_owner', 'member') then
    raise exception using errcode = 'TD403', message = 'only a super_admin may retry jobs';
  end if;
  update tenantd.jobs j
     set state = 'queued', run_at = now(), attempts = 0, last_error = null, lease_until = null,
         locked_by = null, updated_at = now()
   where j.id = p_id and j.state = 'failed';
  if found then
    perform pg_notify('tenantd_jobs', 'retry');
  end if;
  return found;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.retry_job(bigint) from public, tenantd_app;
grant execute on function tenantd.retry_job(bigint) to tenantd_worker;
