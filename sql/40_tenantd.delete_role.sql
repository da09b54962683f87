-- tenantd.delete_role(id): delete a tenant-defined role that no member has. Writes a 'role.deleted'
-- audit row in the same transaction.
-- Errors: TD400 no tenant context · TD403 forbidden (needs roles:write) · TD404 role_not_found ·
--         TD409 built_in_role / role_in_use. A membership given the role concurrently is caught
--         by the foreign key memberships_role_fkey (23503, also 409).
-- Security invoker: the delete goes through the roles policies.
create or replace function tenantd.delete_role(p_id uuid) returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_role tenantd.roles%rowtype;
  v_count int;
begin
  perform tenantd.require_permission('roles:write', 'managing roles');
  select r.* into v_role from tenantd.roles r where r.tenant_id = v_tenant and r.id = p_id;
  if not found then
    raise exception using errcode = 'TDN04', message = 'no such role in this tenant';
  end if;
  if v_role.built_in then
    raise exception using errcode = 'TDC03',
      message = format('%s is a built-in role and cannot be deleted', v_role.name);
  end if;
  select count(*) into v_count from tenantd.memberships m
   where m.tenant_id = v_tenant and m.role = v_role.name;
  if v_count > 0 then
    raise exception using errcode = 'TDC11',
      message = format('%s member(s) have role %s; give them another role first',
                       v_count, v_role.name);
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'role.deleted', 'role', p_id::text,
          jsonb_build_object('name', v_role.name,
                             'permissions', to_jsonb(tenantd.permissions_of_role(v_role.name))));

  -- its role_permissions rows go with it (on delete cascade)
  delete from tenantd.roles r where r.tenant_id = v_tenant and r.id = p_id;
end
$$;

revoke all on function tenantd.delete_role(uuid) from public;
grant execute on function tenantd.delete_role(uuid) to tenantd_app;
