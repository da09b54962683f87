-- tenantd.set_member_display_name(user_id, display_name): sets the display name of the user's
-- membership in the current tenant — the profile this tenant sees, and only this tenant.
-- Returns whether anything changed. Called by tenantd.update_member after its permission checks;
-- it checks again itself (the user or a super_admin in this tenant).
--
-- SECURITY DEFINER because a member (no members:write) must be able to rename themself, and
-- the memberships update policies for the app role need members:write (which would also let
-- them change their role). As the owner it goes through memberships.update_as_owner, which is
-- limited to the context's tenant, and it writes only display_name. search_path pinned.
create or replace function tenantd.set_member_display_name(p_user_id uuid, p_display_name text)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_rows int;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if p_user_id is distinct from tenantd.current_user_id() and not tenantd.is_super_admin() then
    raise exception using errcode = 'TDF01',
      message = 'only the user or a super_admin may change a display_name';
  end if;
  if length(p_display_name) > 200 then
    raise exception using errcode = 'TD422', message = 'display_name is longer than 200 characters';
  end if;
  update tenantd.memberships m set display_name = p_display_name
   where m.tenant_id = v_tenant and m.user_id = p_user_id
     and m.display_name is distinct from p_display_name;
  get diagnostics v_rows = row_count;
  return v_rows > 0;
end
$$;

revoke all on function tenantd.set_member_display_name(uuid, text) from public;
grant execute on function tenantd.set_member_display_name(uuid, text) to tenantd_app;
