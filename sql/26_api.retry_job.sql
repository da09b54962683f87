-- api.retry_job(ctx, id): POST /v1/admin/jobs/{id}/retry (registered operators): a failed job is
-- queued again now with its attempts reset (tenantd.operator_retry_job); the answer is the job
-- as GET /v1/admin/jobs shows it. The change shows on the operators' event stream as a job.state
-- event.
-- Errors: TD403 not a super admin; TD404 no such job; TDC06 invalid_state, the job is not failed.
create or replace function api.retry_job(ctx jsonb, p_id bigint) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_state text;
  v_job json;
begin
  perform tenantd.enter(ctx);
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may retry jobs';
  end if;
  -- the state before, to tell "not failed" from "retried"
  select j.state into v_state from tenantd.list_jobs(null, null, p_id + 1, 1) j where j.id = p_id;
  if v_state is null then
    raise exception using errcode = 'TD404', message = 'no such job';
  end if;
  if v_state <> 'failed' then
    raise exception using errcode = 'TDC06', message = 'only a failed job can be retried (this one is ' || v_state || ')';
  end if;
  perform tenantd.operator_retry_job(p_id);
  select json_build_object('id', j.id, 'kind', j.kind, 'state', j.state, 'attempts', j.attempts,
                           'max_attempts', j.max_attempts, 'run_at', tenantd.rfc3339(j.run_at),
                           'last_error', j.last_error, 'payload', j.payload,
                           'created_at', tenantd.rfc3339(j.created_at),
                           'completed_at', tenantd.rfc3339(j.completed_at))
    into v_job
    from tenantd.list_jobs(null, null, p_id + 1, 1) j where j.id = p_id;
  return tenantd.reply(200, v_job);
end
$$;

revoke all on function api.retry_job(jsonb, bigint) from public;
grant execute on function api.retry_job(jsonb, bigint) to tenantd_app;
