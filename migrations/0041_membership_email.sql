-- Members carry their email (and the identity's global disabled switch), so that listing the
-- members of a tenant reads only tenantd.memberships, a tenant-owned table, and the users policy
-- no longer needs to look into memberships to show a tenant's members (a policy with a subquery:
-- Citus refuses those on distributed tables, and it ran once per returned row).
--   email          a copy of users.email, the address the person is known by everywhere
--   user_disabled  a copy of users.disabled (the platform-wide switch; memberships.disabled is
--                  the per-tenant one), so "disabled" in a member list needs no users row either
-- Both are kept equal to the users row by triggers (sql/20_tenantd.tg_memberships__copy_user.sql
-- fills them on every insert and user_id change, whatever the writer passed;
-- sql/20_tenantd.tg_users__sync_memberships.sql copies a change of users.email or
-- users.disabled into every membership of that user), so no writer can make a member appear
-- under an address that is not theirs and no code path has to remember to copy them.
alter table tenantd.memberships
  add column email text,
  add column user_disabled boolean not null default false;

-- Backfill. The owner is bound by FORCE RLS and no policy lets it update every tenant's rows
-- without a context, so row security is relaxed for this one transaction only (ALTER TABLE takes
-- an exclusive lock; nothing else sees the table unforced) and restored below, as in
-- 0031_membership_credentials.sql.
alter table tenantd.memberships no force row level security;
alter table tenantd.memberships disable row level security;
alter table tenantd.users no force row level security;
alter table tenantd.users disable row level security;

update tenantd.memberships m
   set email = u.email, user_disabled = u.disabled
  from tenantd.users u
 where u.id = m.user_id;

alter table tenantd.users enable row level security;
alter table tenantd.users force row level security;
alter table tenantd.memberships enable row level security;
alter table tenantd.memberships force row level security;

alter table tenantd.memberships alter column email set not null;

-- the invitation check "is this address already a member here" and a member search by address
create index memberships_tenant_id_email_idx on tenantd.memberships (tenant_id, lower(email));
