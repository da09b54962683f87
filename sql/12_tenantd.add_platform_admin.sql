-- tenantd.add_platform_admin(subject): registers a token subject as a platform operator
-- (`tenantd admins add`). True when it was added, false when it was already registered.
-- Security invoker and no EXECUTE for the app or readonly roles: only the owner and its members
-- (the migrator, DBAs) may make someone an operator.
create or replace function tenantd.add_platform_admin(p_subject text) returns boolean
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count int;
begin
  if coalesce(p_subject, '') = '' or length(p_subject) > 255 or p_subject ~ '[[:cntrl:]]' then
    raise exception using errcode = 'TD422',
      message = 'a subject is 1 to 255 characters without control characters';
  end if;
  insert into tenantd.platform_admins (subject) values (p_subject) on conflict (subject) do nothing;
  get diagnostics v_count = row_count;
  return v_count = 1;
end
$$;

revoke all on function tenantd.add_platform_admin(text) from public;
