-- tenantd.update_member(user_id, role, disabled, set_display_name, display_name): change a member of
-- the current tenant. NULL role/disabled = unchanged; display_name is changed only when
-- p_set_display_name (so it can be cleared with NULL). Writes one 'member.updated' audit row
-- naming what changed, in the same transaction.
--
-- Who may do what:
--   role, disabled   members:write, and the caller must hold every permission of the member's
--                    current role and of the new one (tenantd.may_grant_role): members:write
--                    alone never makes or unmakes a tenant_admin
--   display_name     the user themselves or a super_admin only; it is this membership's
--                    profile (the name this tenant sees), set through
--                    tenantd.set_member_display_name because a member may not update their
--                    own membership row otherwise
--   disabled         is per tenant (memberships.disabled); users.disabled stays a super-admin
--                    switch
-- Taking away the last active tenant_admin (demote or disable) is refused by trigger
-- tg_memberships__keep_admin (TD409 last_admin), which also serialises concurrent demotions.
--
-- Errors: TD400 no tenant context · TD403 forbidden / role_escalation / display_name ·
--         TD404 user_not_found · TD409 last_admin · TD422 unknown_role / validation
-- Security invoker: every write goes through the caller's policies.
create or replace function tenantd.update_member(
  p_user_id uuid,
  p_role text,
  p_disabled boolean,
  p_set_display_name boolean,
  p_display_name text
) returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_m record;
  v_changes jsonb := '{}';
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  select m.id, m.role, m.disabled into v_m from tenantd.memberships m
   where m.tenant_id = v_tenant and m.user_id = p_user_id;
  if not found then
    raise exception using errcode = 'TDN08', message = 'no such user in this tenant';
  end if;

  if p_role is not null or p_disabled is not null then
    if not tenantd.has_permission('members:write') then
      raise exception using errcode = 'TD403',
        message = 'changing a member''s role or disabled flag needs the members:write permission';
    end if;
    if not tenantd.may_grant_role(v_m.role) then
      raise exception using errcode = 'TDF03',
        message = format('the member''s role %s holds permissions you do not have',
                         v_m.role);
    end if;
    if p_role is not null then
      if not exists (select 1 from tenantd.roles r where r.tenant_id = v_tenant and r.name = p_role) then
        raise exception using errcode = 'TDV09',
          message = format('the tenant has no role %s', quote_literal(p_role));
      end if;
      if not tenantd.may_grant_role(p_role) then
        raise exception using errcode = 'TDF03',
          message = format('role %s holds permissions you do not have', p_role);
      end if;
    end if;
    if coalesce(p_role, v_m.role) <> v_m.role or coalesce(p_disabled, v_m.disabled) <> v_m.disabled then
      update tenantd.memberships m
         set role = coalesce(p_role, m.role), disabled = coalesce(p_disabled, m.disabled)
       where m.tenant_id = v_tenant and m.id = v_m.id;
      if p_role is not null and p_role <> v_m.role then
        v_changes := v_changes || jsonb_build_object('role', jsonb_build_object('from', v_m.role, 'to', p_role));
      end if;
      if p_disabled is not null and p_disabled <> v_m.disabled then
        v_changes := v_changes || jsonb_build_object('disabled',
                                                     jsonb_build_object('from', v_m.disabled, 'to', p_disabled));
      end if;
    end if;
  end if;

  if p_set_display_name then
    if p_user_id is distinct from tenantd.current_user_id() and not tenantd.is_super_admin() then
      raise exception using errcode = 'TDF01',
        message = 'only the user or a super_admin may change a display_name';
    end if;
    if length(p_display_name) > 200 then
      raise exception using errcode = 'TD422', message = 'display_name is longer than 200 characters';
    end if;
    if tenantd.set_member_display_name(p_user_id, p_display_name) then
      v_changes := v_changes || jsonb_build_object('display_name', jsonb_build_object('to', p_display_name));
    end if;
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'member.updated', 'user', p_user_id::text, jsonb_build_object('changes', v_changes));
end
$$;

revoke all on function tenantd.update_member(uuid, text, boolean, boolean, text) from public;
grant execute on function tenantd.update_member(uuid, text, boolean, boolean, text) to tenantd_app;
