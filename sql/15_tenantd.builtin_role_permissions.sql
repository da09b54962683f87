-- tenantd.builtin_role_permissions(role): the permissions of a built-in role, NULL for any other
-- name (a tenant-defined role, whose permissions are rows of tenantd.role_permissions).
-- Built-ins are not stored as rows so that tenant_admin follows the catalogue when it grows.
--   tenant_admin        every permission of tenantd.permission_catalogue(), config:secrets included
--   member, read_only   members:read, config:read, usage:read (never audit:read or config:secrets)
-- (member and read_only differ in what tenant-defined features grant them, not here.)
create or replace function tenantd.builtin_role_permissions(p_role text) returns text[]
language sql immutable parallel safe
as $$
  select case p_role
    when 'tenant_admin' then tenantd.permission_catalogue()
    when 'member' then array['members:read', 'config:read', 'usage:read']::text[]
    when 'read_only' then array['members:read', 'config:read', 'usage:read']::text[]
  end
$$;

revoke all on function tenantd.builtin_role_permissions(text) from public;
grant execute on function tenantd.builtin_role_permissions(text) to tenantd_app, tenantd_readonly;
