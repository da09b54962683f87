-- tenantd.permission_catalogue(): the fixed catalogue of permissions a role can hold. The one
-- place that lists them: tenantd.role_permissions checks its rows against it
-- (role_permissions_permission_in_catalogue), tenantd.builtin_role_permissions() gives
-- tenant_admin all of it, and the API validates role bodies against it. Adding a permission is
-- a change to this file (and to whatever checks it); removing one needs a migration that deletes
-- its role_permissions rows first. Immutable so the check constraint may call it.
-- api_keys:manage makes, lists, revokes and rotates the tenant's API keys (sql/75–76).
-- config:secrets reads and writes configuration of type 'integrations' (credentials), on top of
-- config:read / config:write; only built-in tenant_admin has it unless a tenant grants it.
-- usage:write reports app-defined metered events (POST /v1/usage/events): what a tenant is billed
-- for, so built-in tenant_admin only (member and read_only only read usage); a tenant may grant
-- it to a role of its own, e.g. for the back end that reports the events.
-- export:create starts a tenant data export and downloads it (POST /v1/export): every row of the
-- tenant, so built-in tenant_admin only unless a tenant grants it.
create or replace function tenantd.permission_catalogue() returns text[]
language sql immutable parallel safe
as $$
  select array['members:read', 'members:write', 'config:read', 'config:write',
               'invitations:write', 'audit:read', 'usage:read', 'roles:write',
               'tenant:write', 'config:secrets', 'api_keys:manage', 'usage:write',
               'export:create']::text[]
$$;

revoke all on function tenantd.permission_catalogue() from public;
grant execute on function tenantd.permission_catalogue() to tenantd_app, tenantd_readonly;
