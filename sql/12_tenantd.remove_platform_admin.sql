-- tenantd.remove_platform_admin(subject): unregisters a platform operator (`tenantd admins
-- remove`); their tokens are refused from the next request on (tenantd.enter_context). True
-- when a row was removed. Owner and its members only, like add_platform_admin.
create or replace function tenantd.remove_platform_admin(p_subject text) returns boolean
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count int;
begin
  delete from tenantd.platform_admins a where a.subject = p_subject;
  get diagnostics v_count = row_count;
  return v_count = 1;
end
$$;

revoke all on function tenantd.remove_platform_admin(text) from public;
