-- tenantd.tg_tenants__seed_roles(): AFTER INSERT on tenants: every new tenant gets its built-in
-- roles (tenant_admin, member, read_only) in the same transaction, so memberships of the new
-- tenant can name them at once (memberships_role_fkey). Tenants that existed before roles were
-- introduced got theirs in migration 0011.
--
-- SECURITY DEFINER because the tenant is created by a super admin acting outside any tenant:
-- the roles insert policy for the app requires the new row's tenant to be the context's. It
-- runs as tenantd_owner, which policy roles.insert_builtin_as_owner lets insert built-ins only.
-- search_path pinned, names schema-qualified. No ON CONFLICT: a new tenant has no roles, and an
-- arbiter would also need a select policy for the owner (RLS checks conflicting rows).
create or replace function tenantd.tg_tenants__seed_roles() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  insert into tenantd.roles (tenant_id, name, description, built_in)
  values (new.id, 'tenant_admin', 'Administers the tenant: every permission', true),
         (new.id, 'member', 'Reads members, configuration and usage', true),
         (new.id, 'read_only', 'Reads members, configuration and usage', true);
  return null;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_tenants__seed_roles() from public;

create or replace trigger tg_tenants__seed_roles after insert on tenantd.tenants
  for each row execute function tenantd.tg_tenants__seed_roles();
