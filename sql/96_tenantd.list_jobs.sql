-- tenantd.list_jobs(state, kind, after_id, limit): jobs for the admin API (super_admin only),
-- newest first, keyset on id.
--
-- SECURITY DEFINER: the app role has no grants on tenantd.jobs.
create or replace function tenantd.list_jobs(p_state text, p_kind text, p_before_id bigint, p_limit integer)
returns setof tenantd.jobs
language plpgsql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if not tenantd.is_super_admin() and not pg_has_role(session_user, 'tenantd_owner', 'member') then
    raise exception using errcode = 'TD403', message = 'only a super_admin may list jobs';
  end if;
  return query
  select j.* from tenantd.jobs j
   where (p_state is null or j.state = p_state)
     and (p_kind is null or j.kind = p_kind)
     and (p_before_id is null or j.id < p_before_id)
   order by j.id desc
   limit least(greatest(coalesce(p_limit, 50), 1), 1000);
end
$$;

revoke all on function tenantd.list_jobs(text, text, bigint, integer) from public;
grant execute on function tenantd.list_jobs(text, text, bigint, integer) to tenantd_app, tenantd_readonly;
