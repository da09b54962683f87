-- tenantd.request_provisioning(tenant): an operator asks for the tenant's provisioning job (POST
-- /v1/tenants, POST /v1/tenants/{tenant}/reprovision). The caller must be a registered
-- operator: app.subject in tenantd.platform_admins (tenantd.enter sets it only after checking
-- the same registry), or a session of the owner role (a DBA in psql). A forged
-- app.role = 'super_admin' is not enough. Then tenantd.enqueue_provisioning.
-- SECURITY DEFINER because enqueue_provisioning is owner-only; this is the one gate to it for
-- the app role.
create or replace function tenantd.request_provisioning(p_tenant uuid)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if not (tenantd.is_platform_admin(pg_catalog.current_setting('app.subject', true))
          or pg_catalog.pg_has_role(session_user, 'tenantd_owner', 'member')) then
    raise exception using errcode = 'TD403', message = 'only a platform operator may provision tenants';
  end if;
  return tenantd.enqueue_provisioning(p_tenant);
end
$$;

revoke all on function tenantd.request_provisioning(uuid) from public;
grant execute on function tenantd.request_provisioning(uuid) to tenantd_app;
