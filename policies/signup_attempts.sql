-- tenantd.signup_attempts: the sign-up rate counter (no tenant data). Only the owner's SECURITY
-- DEFINER functions tenantd.signup_rate_hit and tenantd.sweep_signup_attempts use it; no grants to
-- the app or readonly roles, and RLS forced with owner-only policies, so it is not a global
-- table (tenantd.global_tables()) and nobody else sees which addresses signed up.
alter table tenantd.signup_attempts enable row level security;
alter table tenantd.signup_attempts force row level security;

revoke all on table tenantd.signup_attempts from public, tenantd_app, tenantd_readonly;

call tenantd.drop_policies('tenantd.signup_attempts');

create policy all_as_owner on tenantd.signup_attempts for all to tenantd_owner
  using (true) with check (true);
