-- tenantd.update_role(id, set_description, description, permissions): change a tenant-defined role.
-- The description changes only when p_set_description (so it can be cleared); NULL permissions =
-- unchanged, otherwise the list replaces the role's permissions. The name never changes
-- (memberships reference roles by name). Built-in roles cannot be changed. Writes a
-- 'role.updated' audit row in the same transaction.
-- Errors: TD400 no tenant context · TD403 forbidden / role_escalation (the role holds, or would
--         hold, a permission the caller lacks) · TD404 role_not_found · TD409 built_in_role ·
--         TD422 unknown_permission / description too long.
-- Security invoker: the writes go through the roles/role_permissions policies.
create or replace function tenantd.update_role(
  p_id uuid, p_set_description boolean, p_description text, p_permissions text[]
) returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_role tenantd.roles%rowtype;
  v_old text[];
  v_perms text[];
  v_perm text;
  v_changes jsonb := '{}';
begin
  perform tenantd.require_permission('roles:write', 'managing roles');
  select r.* into v_role from tenantd.roles r where r.tenant_id = v_tenant and r.id = p_id;
  if not found then
    raise exception using errcode = 'TDN04', message = 'no such role in this tenant';
  end if;
  if v_role.built_in then
    raise exception using errcode = 'TDC03',
      message = format('%s is a built-in role and cannot be changed', v_role.name);
  end if;
  -- two concurrent edits of one role apply one after the other (built-ins are refused above:
  -- the update policy hides them from FOR UPDATE)
  perform 1 from tenantd.roles r where r.tenant_id = v_tenant and r.id = p_id for update;
  if not tenantd.may_grant_role(v_role.name) then
    raise exception using errcode = 'TDF03',
      message = format('role %s holds permissions you do not have', v_role.name);
  end if;
  if p_set_description and length(p_description) > 1000 then
    raise exception using errcode = 'TD422', message = 'description is longer than 1000 characters';
  end if;

  if p_permissions is not null then
    v_perms := tenantd.check_role_permissions(p_permissions);
    v_old := tenantd.permissions_of_role(v_role.name);
    delete from tenantd.role_permissions rp
     where rp.tenant_id = v_tenant and rp.role_id = p_id and not (rp.permission = any (v_perms));
    -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
    -- colocated table through COPY, which it refuses under row-level security
    foreach v_perm in array coalesce(v_perms, '{}') loop
      insert into tenantd.role_permissions (role_id, permission) values (p_id, v_perm)
      on conflict do nothing;
    end loop;
    if v_old is distinct from v_perms then
      v_changes := v_changes || jsonb_build_object('permissions',
                                                   jsonb_build_object('from', to_jsonb(v_old), 'to', to_jsonb(v_perms)));
    end if;
  end if;
  if p_set_description and p_description is distinct from v_role.description then
    v_changes := v_changes || jsonb_build_object('description', jsonb_build_object('to', p_description));
  end if;
  -- always touched, so updated_at/updated_by (tg__stamp) record the change of permissions too
  update tenantd.roles r
     set description = case when p_set_description then p_description else r.description end
   where r.tenant_id = v_tenant and r.id = p_id;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'role.updated', 'role', p_id::text,
          jsonb_build_object('name', v_role.name, 'changes', v_changes));
end
$$;

revoke all on function tenantd.update_role(uuid, boolean, text, text[]) from public;
grant execute on function tenantd.update_role(uuid, boolean, text, text[]) to tenantd_app;
