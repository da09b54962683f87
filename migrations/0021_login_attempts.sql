-- Login attempts (issue 4 §7): the record behind the lockout rule "5 failed logins for one
-- account within 15 minutes, then 429". An account is (tenant, lower(email)), whether or not
-- such a user exists, so the lockout behaves the same for known and unknown addresses and
-- cannot be used to find out which emails have accounts.
-- An attempt is written as failed before the password is checked and turned into a success
-- afterwards; concurrent guesses therefore all count, without holding a lock or a transaction
-- open during the (deliberately slow) password hash.
create table tenantd.login_attempts (
  tenant_id uuid not null default tenantd.current_tenant_id() references tenantd.tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) <= 254),
  user_id uuid,
  succeeded boolean not null default false,
  -- clock time, not transaction start: attempts are ordered against each other and against the
  -- account's last success
  at timestamptz not null default clock_timestamp(),
  request_id text default tenantd.current_request_id(),
  primary key (tenant_id, id)
);

-- the lockout count: one account's recent attempts, newest first
create index login_attempts_tenant_id_email_at_idx
  on tenantd.login_attempts (tenant_id, email, at desc);

-- born closed (see 0004_tenants.sql)
alter table tenantd.login_attempts enable row level security;
alter table tenantd.login_attempts force row level security;
