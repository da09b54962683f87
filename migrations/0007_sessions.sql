-- Sessions: refresh tokens, stored only as hashes. A session belongs to a membership, so its
-- foreign key is (tenant_id, user_id): removing someone from a tenant ends their sessions there.
create table tenantd.sessions (
  tenant_id uuid not null default tenantd.current_tenant_id(),
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  refresh_token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references tenantd.memberships (tenant_id, user_id)
    on delete cascade
);

create index sessions_tenant_id_user_id_idx on tenantd.sessions (tenant_id, user_id);

-- born closed (see 0004_tenants.sql)
alter table tenantd.sessions enable row level security;
alter table tenantd.sessions force row level security;
