-- Users: global identities (one person can be a member of many tenants), so no tenant_id.
-- Emails are cross-tenant personal data, hence row-level security all the same
-- (policies/users.sql): a tenant sees only its own members.
create table tenantd.users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  display_name text,
  password_hash text,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid
);

-- one identity per address, whatever its case
create unique index users_email_lower_key on tenantd.users (lower(email));

-- born closed (see 0004_tenants.sql)
alter table tenantd.users enable row level security;
alter table tenantd.users force row level security;
