-- Credentials and profiles belong to a membership (tenant × identity), not to the global identity.
--
-- Before this migration users.password_hash and users.display_name were global: whoever created
-- an identity first (a public sign-up naming someone else's email, a direct add by any tenant
-- admin) chose the password that opened every tenant the person later joined, and each tenant
-- saw the profile another tenant had set. From now on `users` keeps only what is truly global —
-- the email key, the identity-provider link (external_id) and the platform-wide disabled switch —
-- and each membership carries its own credential and profile:
--   password_hash  the scrypt hash that opens THIS tenant only (null: no password login here)
--   display_name   the name this tenant sees
--   accepted_at    when the person first took the membership up (accepted an invitation or
--                  logged in). A membership someone else created (sign-up naming an email, a
--                  direct add) is null here until then and does not count toward
--                  MAX_TENANTS_PER_USER, so nobody can exhaust another person's tenant limit.
--   source         how the membership came about: 'direct' (POST /v1/users, psql), 'signup'
--                  (the sign-up's admin), 'invitation' (accepted), 'webhook' (the identity
--                  provider). A provider's user.deleted removes only the 'webhook' ones.
alter table tenantd.memberships
  add column password_hash text check (length(password_hash) <= 1000),
  add column display_name text check (length(display_name) <= 200),
  add column accepted_at timestamptz,
  add column source text not null default 'direct'
    check (source in ('direct', 'signup', 'invitation', 'webhook'));

-- Backfill. The owner is bound by FORCE RLS and no policy lets it update every tenant's rows
-- without a context, so row security is relaxed for this one transaction only (ALTER TABLE takes
-- an exclusive lock; nothing else sees the table unforced) and restored below.
alter table tenantd.memberships no force row level security;
alter table tenantd.memberships disable row level security;
alter table tenantd.users no force row level security;
alter table tenantd.users disable row level security;
alter table tenantd.audit_log no force row level security;
alter table tenantd.audit_log disable row level security;

-- every existing membership keeps the login and the name its person had (the identity's current
-- hash and display name) and counts as accepted: it was counted before this change too
update tenantd.memberships m
   set password_hash = u.password_hash,
       display_name = u.display_name,
       accepted_at = m.created_at
  from tenantd.users u
 where u.id = m.user_id;

-- memberships the identity-provider webhook created (recorded in their audit row)
update tenantd.memberships m
   set source = 'webhook'
 where exists (select 1 from tenantd.audit_log a
                where a.tenant_id = m.tenant_id and a.action = 'member.created'
                  and a.target_id = m.user_id::text and a.details ->> 'source' = 'webhook');

alter table tenantd.audit_log enable row level security;
alter table tenantd.audit_log force row level security;
alter table tenantd.users enable row level security;
alter table tenantd.users force row level security;
alter table tenantd.memberships enable row level security;
alter table tenantd.memberships force row level security;

-- Dropped rather than left null: a column that does not exist cannot be read by a compromised
-- app role, copied into a new tenant by a forgotten code path, or written back by an old
-- version of the service (it fails loudly instead).
alter table tenantd.users drop column password_hash;
alter table tenantd.users drop column display_name;

-- MAX_TENANTS_PER_USER counts a user's accepted memberships
create index memberships_user_id_accepted_idx on tenantd.memberships (user_id)
  where accepted_at is not null;
