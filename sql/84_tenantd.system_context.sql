-- tenantd.enter_system_context(tenant) / tenantd.leave_system_context(saved): sign-up and
-- provisioning work for a tenant nobody is signed in to (a public request, a job worker). The
-- SECURITY DEFINER functions that do it (tenantd.signup, tenantd.provision_tenant,
-- tenantd.provisioning_failed, api.reprovision_tenant) set the context transaction-locally to
-- "the platform (super_admin) acting in this tenant", so their writes still pass the ordinary
-- own-tenant and super-admin policies and the audit rows land in the right tenant, then restore
-- the caller's context before returning. enter returns the previous (tenant, user, role,
-- permissions, user email); the platform holds every permission (app.permissions).
-- Security invoker and no EXECUTE for anyone: only the owner's definer functions call them; the
-- app role must never be able to make itself a super admin.
create or replace function tenantd.enter_system_context(p_tenant uuid)
returns text[]
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[] := array[coalesce(pg_catalog.current_setting('app.tenant_id', true), ''),
                          coalesce(pg_catalog.current_setting('app.user_id', true), ''),
                          coalesce(pg_catalog.current_setting('app.role', true), ''),
                          coalesce(pg_catalog.current_setting('app.permissions', true), ''),
                          coalesce(pg_catalog.current_setting('app.user_email', true), '')];
begin
  perform pg_catalog.set_config('app.tenant_id', coalesce(p_tenant::text, ''), true);
  perform pg_catalog.set_config('app.user_id', '', true);
  perform pg_catalog.set_config('app.role', 'super_admin', true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions('super_admin'), true);
  perform pg_catalog.set_config('app.user_email', '', true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return v_saved;
end
$$;

revoke all on function tenantd.enter_system_context(uuid) from public;

create or replace function tenantd.leave_system_context(p_saved text[])
returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform pg_catalog.set_config('app.tenant_id', coalesce(p_saved[1], ''), true);
  perform pg_catalog.set_config('app.user_id', coalesce(p_saved[2], ''), true);
  perform pg_catalog.set_config('app.role', coalesce(p_saved[3], ''), true);
  perform pg_catalog.set_config('app.permissions', coalesce(p_saved[4], ''), true);
  perform pg_catalog.set_config('app.user_email', coalesce(p_saved[5], ''), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
end
$$;

revoke all on function tenantd.leave_system_context(text[]) from public;
