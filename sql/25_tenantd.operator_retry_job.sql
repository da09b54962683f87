-- tenantd.operator_retry_job(id): a registered operator's retry of a failed job through the API
-- (POST /v1/admin/jobs/{id}/retry, the dashboard's jobs view): the gate in front of
-- tenantd.retry_job, which stays worker-only. Returns the job's state afterwards ('queued' when
-- retried), or NULL when there is no such job.
-- SECURITY DEFINER: the app role has no grants on tenantd.jobs nor on retry_job. The caller is
-- checked here with the registry (tenantd.is_platform_admin of app.subject, as tenantd.list_jobs
-- does), not with tenantd.is_super_admin, which inside a definer function trusts app.role alone.
create or replace function tenantd.operator_retry_job(p_id bigint)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_state text;
begin
  if not (tenantd.current_role_name() is not distinct from 'super_admin'
          and tenantd.is_platform_admin(pg_catalog.current_setting('app.subject', true))) then
    raise exception using errcode = 'TD403', message = 'only a super_admin may retry jobs';
  end if;
  perform tenantd.retry_job(p_id);
  select j.state into v_state from tenantd.jobs j where j.id = p_id;
  return v_state;
end
$$;

revoke all on function tenantd.operator_retry_job(bigint) from public;
grant execute on function tenantd.operator_retry_job(bigint) to tenantd_app;
