-- Roles per tenant and the permissions of tenant-defined roles; memberships name a role of
-- their tenant (foreign key) and may be disabled per tenant.
--
-- The catalogue function is needed here by a check constraint; its current definition lives in
-- sql/14_tenantd.permission_catalogue.sql (same name, CREATE OR REPLACE) and replaces this one
-- on every migrate: read that file, not this one.
create function tenantd.permission_catalogue() returns text[]
language sql immutable parallel safe
as $$
  select array['members:read', 'members:write', 'config:read', 'config:write',
               'invitations:write', 'audit:read', 'usage:read', 'roles:write',
               'tenant:write']::text[]
$$;

-- Built-ins (tenant_admin, member, read_only) exist in every tenant as rows too, so that
-- memberships.role can reference them; their permissions are not rows
-- (tenantd.builtin_role_permissions) and they cannot be changed or deleted.
create table tenantd.roles (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  -- the same word shape as memberships.role and app.role; super_admin is a platform role, never
  -- a tenant's
  name text not null check (name ~ '^[a-z][a-z0-9_]{0,62}$' and name <> 'super_admin'),
  description text check (length(description) <= 1000),
  built_in boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, name),
  constraint roles_built_in_names
    check (built_in = (name in ('tenant_admin', 'member', 'read_only')))
);

create table tenantd.role_permissions (
  tenant_id uuid not null default tenantd.current_tenant_id(),
  role_id uuid not null,
  permission text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, role_id, permission),
  foreign key (tenant_id, role_id) references tenantd.roles (tenant_id, id) on delete cascade,
  constraint role_permissions_permission_in_catalogue
    check (permission = any (tenantd.permission_catalogue()))
);

-- every existing tenant gets the built-ins (new tenants: trigger tg_tenants__seed_roles, sql/)
insert into tenantd.roles (tenant_id, name, description, built_in)
select t.id, b.name, b.description, true
  from tenantd.tenants t
 cross join (values ('tenant_admin', 'Administers the tenant: every permission'),
                    ('member', 'Reads members, configuration and usage'),
                    ('read_only', 'Reads members, configuration and usage')) as b (name, description);

-- a membership's role is a role of its tenant; a role in use cannot be deleted or renamed
alter table tenantd.memberships
  add constraint memberships_role_fkey foreign key (tenant_id, role)
    references tenantd.roles (tenant_id, name) on update restrict on delete restrict;

-- disabled in this tenant only (users.disabled is the global, super-admin switch): a tenant
-- admin must not be able to lock a person out of the other tenants they belong to
alter table tenantd.memberships add column disabled boolean not null default false;

-- born closed (see 0004_tenants.sql)
alter table tenantd.roles enable row level security;
alter table tenantd.roles force row level security;
alter table tenantd.role_permissions enable row level security;
alter table tenantd.role_permissions force row level security;
