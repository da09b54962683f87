-- api.list_jobs(ctx, state, kind, before_id, limit): GET /v1/admin/jobs (super admins): one page
-- of the job queue, newest first, as {"data": [job…], "next_cursor": text|null}; the cursor
-- holds the last job id shown (before_id of the next page). state, kind: filters (NULL: none).
-- Errors: TD403 not a super admin; TD400 a limit outside 1..200.
create or replace function api.list_jobs(
  ctx jsonb,
  p_state text,
  p_kind text,
  p_before_id bigint,
  p_limit int
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
begin
  perform tenantd.enter(ctx);
  -- decided here from the context: tenantd.list_jobs also lets the owner's sessions in (psql),
  -- which a request never is
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may list jobs';
  end if;
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  -- tenantd.list_jobs: definer, the app role has no grants on tenantd.jobs; one row more than
  -- asked says whether another page exists
  v_rows := array(select json_build_object(
                           'id', j.id, 'kind', j.kind, 'state', j.state, 'attempts', j.attempts,
                           'max_attempts', j.max_attempts, 'run_at', tenantd.rfc3339(j.run_at),
                           'last_error', j.last_error, 'payload', j.payload,
                           'created_at', tenantd.rfc3339(j.created_at),
                           'completed_at', tenantd.rfc3339(j.completed_at))
                    from tenantd.list_jobs(p_state, p_kind, p_before_id, p_limit + 1) j
                   order by j.id desc);
  return tenantd.reply(200, tenantd.page(v_rows, p_limit, 'id'));
end
$$;

revoke all on function api.list_jobs(jsonb, text, text, bigint, int) from public;
grant execute on function api.list_jobs(jsonb, text, text, bigint, int) to tenantd_app;
