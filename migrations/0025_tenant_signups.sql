-- Sign-up (issue 5 §2–3): what a sign-up hands over to its provisioning job, and the per-address
-- sign-up counter behind SIGNUP_RATE_PER_MINUTE.
--
-- tenant_signups: one row per tenant created by api.signup with an admin email. The admin's
-- password hash waits here (not in the job payload, which super admins can list) until
-- provisioning creates the user and clears it. Without a password the sign-up's invitation
-- token is never stored: only its SHA-256 (becomes invitations.token_hash) and the random nonce
-- it was derived from together with the caller's Idempotency-Key (see docs/signup.md), so the
-- token can be shown once, to the key holder, by GET /v1/tenant-status/{id}.
create table tenantd.tenant_signups (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  admin_email text not null check (length(admin_email) <= 254 and admin_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  admin_password_hash text check (length(admin_password_hash) <= 1000),
  invitation_nonce bytea check (length(invitation_nonce) = 32),
  invitation_token_hash bytea check (length(invitation_token_hash) = 32),
  invitation_revealed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  -- one sign-up per tenant; also the tenant_id-first index
  constraint tenant_signups_one_per_tenant unique (tenant_id),
  -- an invitation is derived from a nonce and has a hash, or neither
  constraint tenant_signups_invitation_pair
    check ((invitation_nonce is null) = (invitation_token_hash is null))
);

-- born closed (see 0004_tenants.sql)
alter table tenantd.tenant_signups enable row level security;
alter table tenantd.tenant_signups force row level security;

-- signup_attempts: sign-ups per client address and minute, counted in the database so that
-- several tenantd processes share one limit. No tenant data (an address and a count); RLS is on
-- and forced with policies for the owner only, so nothing but the SECURITY DEFINER functions
-- (api.signup_rate_hit, tenantd.sweep_signup_attempts) reaches it. Swept after an hour.
create table tenantd.signup_attempts (
  client_address text not null check (length(client_address) between 1 and 100),
  minute timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  primary key (client_address, minute)
);
create index signup_attempts_minute_idx on tenantd.signup_attempts (minute);

alter table tenantd.signup_attempts enable row level security;
alter table tenantd.signup_attempts force row level security;
