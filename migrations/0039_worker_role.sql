-- The worker role (DESIGN §3): job workers, provisioning, webhook receipt and application and
-- the sweeps run as tenantd_worker, and only it may execute those functions (each sql/ file
-- grants them to it). Were the app role's SQL abused (an injection, a stolen app password),
-- it could then not enqueue, claim or fail jobs, provision tenants, forge webhook events or
-- run the sweeps.
-- The role owns nothing and never bypasses row-level security; the functions it calls are the
-- owner's SECURITY DEFINER functions, so EXECUTE, schema USAGE and CONNECT are all it needs.
--
-- Like 0001, creating a role needs the migrator's own CREATEROLE, not tenantd_owner's rights.
set local role none;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'tenantd_worker') then
    -- The password is the development one (role name) for the local cluster's TCP login;
    -- production creates the role beforehand with its own secret, so this branch never runs there.
    create role tenantd_worker login nosuperuser nocreatedb nocreaterole nobypassrls noreplication
      password 'tenantd_worker';
  end if;
  execute format('grant connect on database %I to tenantd_worker', current_database());
end
$$;

set local role tenantd_owner;
grant usage on schema tenantd to tenantd_worker;
