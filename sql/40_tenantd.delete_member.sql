-- tenantd.delete_member(user_id): remove a member from the current tenant. The global user stays
-- (they may belong to other tenants); their sessions in this tenant go with the membership (the
-- sessions' foreign key cascades: the app role itself writes no sessions). Writes a
-- 'member.removed' audit row in the same transaction.
-- Needs members:write and every permission of the member's role (tenantd.may_grant_role). The
-- last active tenant_admin cannot be removed: trigger tg_memberships__keep_admin (TD409
-- last_admin), which also serialises concurrent removals.
-- Errors: TD400 no tenant context · TD403 forbidden / role_escalation · TD404 user_not_found ·
--         TD409 last_admin. Security invoker: the deletes go through the caller's policies.
create or replace function tenantd.delete_member(p_user_id uuid) returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_m record;
begin
  perform tenantd.require_permission('members:write', 'removing members');
  select m.id, m.role into v_m from tenantd.memberships m
   where m.tenant_id = v_tenant and m.user_id = p_user_id;
  if not found then
    raise exception using errcode = 'TDN08', message = 'no such user in this tenant';
  end if;
  if not tenantd.may_grant_role(v_m.role) then
    raise exception using errcode = 'TDF03',
      message = format('the member''s role %s holds permissions you do not have', v_m.role);
  end if;

  delete from tenantd.memberships m where m.tenant_id = v_tenant and m.id = v_m.id;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'member.removed', 'user', p_user_id::text, jsonb_build_object('role', v_m.role));
end
$$;

revoke all on function tenantd.delete_member(uuid) from public;
grant execute on function tenantd.delete_member(uuid) to tenantd_app;
