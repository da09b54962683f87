-- Memberships: user × tenant × role. Tenant-owned: tenant_id first in the key and in every
-- foreign key and index that serves tenant queries (what Citus needs to distribute it).
create table tenantd.memberships (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  -- deleting a global identity (account deletion) removes its memberships in every tenant
  user_id uuid not null references tenantd.users (id) on delete cascade,
  role text not null check (role ~ '^[a-z][a-z0-9_]{0,62}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, user_id)
);

create index memberships_tenant_id_role_idx on tenantd.memberships (tenant_id, role);
-- serves the cascade from users and "which tenants is this user in" lookups by definer code
create index memberships_user_id_idx on tenantd.memberships (user_id);

-- born closed (see 0004_tenants.sql)
alter table tenantd.memberships enable row level security;
alter table tenantd.memberships force row level security;
