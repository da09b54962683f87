-- tenantd.create_role(name, description, permissions): a tenant-defined role of the current tenant,
-- holding permissions from tenantd.permission_catalogue(). Returns the new role's id. Writes a
-- 'role.created' audit row in the same transaction.
-- Errors: TD400 no tenant context · TD403 forbidden (needs roles:write) / role_escalation (a
--         permission the caller lacks) · TD409 role_exists · TD422 invalid_role_name /
--         unknown_permission / description too long · TDF08 feature_not_available (the plan
--         lacks custom_roles) · TDF07 quota_exceeded / TDS01 quota_unavailable (custom_roles).
-- Security invoker: the inserts go through the roles/role_permissions policies.
create or replace function tenantd.create_role(p_name text, p_description text, p_permissions text[])
returns uuid
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_perms text[];
  v_perm text;
  v_id uuid;
begin
  perform tenantd.require_permission('roles:write', 'managing roles');
  if p_name is null or p_name !~ '^[a-z][a-z0-9_]{0,62}$' or p_name = 'super_admin' then
    raise exception using errcode = 'TDV04',
      message = 'a role name is 1-63 characters of a-z, 0-9 and _, starting with a letter (not super_admin)';
  end if;
  if length(p_description) > 1000 then
    raise exception using errcode = 'TD422', message = 'description is longer than 1000 characters';
  end if;
  v_perms := tenantd.check_role_permissions(p_permissions);
  if exists (select 1 from tenantd.roles r where r.tenant_id = v_tenant and r.name = p_name) then
    raise exception using errcode = 'TDC10',
      message = format('the tenant already has a role named %s', p_name);
  end if;

  -- custom roles are a plan feature and a quota (TDF08 feature_not_available, TDF07, TDS01)
  perform tenantd.require_feature('custom_roles');
  perform tenantd.consume_quota('custom_roles');

  insert into tenantd.roles (name, description) values (p_name, p_description) returning id into v_id;
  -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
  -- colocated table through COPY, which it refuses under row-level security
  foreach v_perm in array coalesce(v_perms, '{}') loop
    insert into tenantd.role_permissions (role_id, permission) values (v_id, v_perm);
  end loop;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'role.created', 'role', v_id::text,
          jsonb_build_object('name', p_name, 'permissions', to_jsonb(v_perms)));
  return v_id;
end
$$;

revoke all on function tenantd.create_role(text, text, text[]) from public;
grant execute on function tenantd.create_role(text, text, text[]) to tenantd_app;
