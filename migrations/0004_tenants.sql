-- Tenants. The table has no tenant_id column: its id *is* the tenant id, so its policies
-- (policies/tenants.sql) compare id with the context instead.
create table tenantd.tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null check (name <> ''),
  description text,
  status text not null default 'pending'
    check (status in ('pending', 'provisioning', 'active', 'suspended', 'inactive', 'failed')),
  plan text not null default 'free' references tenantd.plans (id),
  external_id text unique,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  provisioning_status text,
  provisioning_error text,
  provisioning_attempts int not null default 0 check (provisioning_attempts >= 0),
  provisioning_started_at timestamptz,
  provisioning_completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  activated_at timestamptz,
  suspended_at timestamptz,
  deleted_at timestamptz,
  -- the slug is a DNS label: it is the {slug} in {slug}.BASE_DOMAIN
  constraint tenants_slug_dns_label check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  -- a tenant reference is "uuid → id, anything else → slug" (tenantd.enter_context); a slug
  -- shaped like a uuid would make that ambiguous, so it is refused
  constraint tenants_slug_not_uuid
    check (slug !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
);

-- workers pick live tenants by status (provisioning, retention)
create index tenants_status_idx on tenantd.tenants (status) where deleted_at is null;

-- Born closed: no role but the owner has any grant until policies/tenants.sql (same migrate run)
-- grants access together with the policies; enabling RLS here as well means the table is never
-- readable without them, whatever order a DBA applies files in.
alter table tenantd.tenants enable row level security;
alter table tenantd.tenants force row level security;
