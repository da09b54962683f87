-- Invitations (issue 4 §4): a tenant invites an email address with a role; the invitee accepts
-- with the token sent to them. The token itself is never stored: token_hash is its SHA-256, so
-- a copy of this table (backup, replica, DBA session) cannot be turned into a membership.
-- status is what happened to the invitation; "expired" is not stored but derived from
-- expires_at (a pending invitation past expires_at), so no job has to flip rows at midnight.
create table tenantd.invitations (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  -- a role of the tenant (checked when inviting and again by the membership's foreign key when
  -- accepting: a role deleted in between makes the acceptance fail, not the invitation row)
  role text not null check (role ~ '^[a-z][a-z0-9_]{0,62}$'),
  token_hash bytea not null unique check (length(token_hash) = 32),
  status text not null default 'pending' check (status in ('pending', 'accepted', 'revoked')),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  -- the identity that accepted; kept (set null) when that identity is deleted later
  accepted_by uuid references tenantd.users (id) on delete set null,
  revoked_at timestamptz,
  revoked_by uuid,
  invited_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  primary key (tenant_id, id),
  -- the timestamps follow the status, so a row says consistently what happened
  constraint invitations_status_fields check (
    (status = 'pending' and accepted_at is null and revoked_at is null)
    or (status = 'accepted' and accepted_at is not null and revoked_at is null)
    or (status = 'revoked' and revoked_at is not null and accepted_at is null))
);

-- GET /v1/invitations: newest first, (created_at, id) keyset
create index invitations_tenant_id_created_idx
  on tenantd.invitations (tenant_id, created_at desc, id desc);
-- "is this address already invited?" when inviting
create index invitations_tenant_id_email_idx
  on tenantd.invitations (tenant_id, lower(email)) where status = 'pending';

-- born closed (see 0004_tenants.sql)
alter table tenantd.invitations enable row level security;
alter table tenantd.invitations force row level security;
