-- tenantd.seed_tenant_defaults(tenant): the part of a tenant's preseed that every tenant has
-- whatever its plan or admin: the built-in roles (tenant_admin, member, read_only; their
-- permissions are tenantd.builtin_role_permissions, not rows) and the default onboarding steps
-- (tenantd.seed_onboarding). Called by tenantd.provision_tenant inside its one transaction;
-- tests that insert tenants directly (tests.create_tenant, the integration seed_tenant) call it
-- too, to get what provisioning would have given them. Before issue 5 two AFTER INSERT
-- triggers on tenants did this.
-- Security invoker and no EXECUTE for the app: run by the owner (provisioning, as definer),
-- whose policies roles.insert_builtin_as_owner and onboarding_steps.insert_seeded_as_owner admit
-- exactly these rows, or by a superuser. Plain INSERTs: a tenant that has them already is a
-- caller's mistake worth an error (unique violation), and provisioning never runs it twice in
-- one tenant (its state check under the tenant row lock).
create or replace function tenantd.seed_tenant_defaults(p_tenant uuid)
returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  insert into tenantd.roles (tenant_id, name, description, built_in)
  values (p_tenant, 'tenant_admin', 'Administers the tenant: every permission', true),
         (p_tenant, 'member', 'Reads members, configuration and usage', true),
         (p_tenant, 'read_only', 'Reads members, configuration and usage', true);
  perform tenantd.seed_onboarding(p_tenant);
end
$$;

revoke all on function tenantd.seed_tenant_defaults(uuid) from public;
