-- Roles, database privileges and schemas (DESIGN §3).
-- Runs as tenantd_migrator (LOGIN CREATEROLE, owner of the database): tenantd_owner does not
-- exist yet, so this is the only migration not run under `set local role tenantd_owner`.
-- Roles are cluster-wide and may already exist (another database in the same cluster, or a
-- DBA who created them with production passwords), so every role is created only if absent and
-- never altered here.

-- The runner runs each migration under `set local role tenantd_owner` when that role exists and
-- the migrator is a member of it. That is the case here too when the roles already exist (a
-- second database in the same cluster, roles created beforehand by a DBA), but this file needs
-- the migrator's own rights (CREATEROLE, ownership of the database): go back to the session
-- user for the rest of this transaction.
set local role none;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'tenantd_owner') then
    -- owns every object; nobody logs in as it, migrations `set role` to it
    create role tenantd_owner nologin;
  end if;

  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'tenantd_app') then
    -- the service's role: owns nothing, never bypasses row-level security.
    -- The password is the development one (role name) for the local cluster's TCP login;
    -- production creates the role beforehand with its own secret, so this branch never runs there.
    create role tenantd_app login nosuperuser nocreatedb nocreaterole nobypassrls noreplication
      password 'tenantd_app';
  end if;

  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'tenantd_readonly') then
    -- DBAs and reporting; same development-password rule as tenantd_app
    create role tenantd_readonly login nosuperuser nocreatedb nocreaterole nobypassrls noreplication
      password 'tenantd_readonly';
  end if;
end
$$;

-- the migrator runs every later migration as tenantd_owner, so it must be a member
grant tenantd_owner to tenantd_migrator;

-- Database-level privileges. The database name differs per environment (tests create several
-- databases in one cluster), hence dynamic SQL.
do $$
begin
  -- the owner creates schemas and, for maintenance, temporary tables
  execute format('grant create, temporary on database %I to tenantd_owner', current_database());
  -- deny by default: nobody else may create schemas or temporary tables; in particular the app
  -- role must not create objects of any kind, temp tables included
  execute format('revoke create, temporary on database %I from public', current_database());
  -- connecting is all the login roles need (explicit, so a later `revoke connect ... from
  -- public` by a DBA does not lock the service out)
  execute format('grant connect on database %I to tenantd_app, tenantd_readonly', current_database());
end
$$;

-- Databases created from an old template can still let PUBLIC create in schema public
-- (the PostgreSQL 14 default); make PostgreSQL 15's default explicit.
revoke create on schema public from public;

-- tenantd: tables and helpers; api: the functions the service calls.
create schema if not exists tenantd authorization tenantd_owner;
create schema if not exists api authorization tenantd_owner;
revoke all on schema tenantd, api from public;
grant usage on schema tenantd, api to tenantd_app, tenantd_readonly;

-- Deny by default: functions created by the owner are not executable by PUBLIC; each sql/ file
-- grants EXECUTE to the roles that need it right after the function.
alter default privileges for role tenantd_owner revoke execute on functions from public;
