-- tenantd.onboarding_default_steps(): the steps every new tenant starts with (seeded by
-- tenantd.seed_onboarding). Changing this list affects tenants created afterwards; existing
-- tenants keep their steps unless a migration changes them (as 0016 seeded the first list).
-- Positions leave gaps so a tenant-specific step can go in between.
create or replace function tenantd.onboarding_default_steps()
returns table (key text, title text, step_position int, required boolean)
language sql immutable parallel safe
as $$
  values ('profile', 'Complete the organisation profile', 10, true),
         ('invite_members', 'Invite your team', 20, true),
         ('configure_settings', 'Review the configuration', 30, false),
         ('connect_integrations', 'Connect your integrations', 40, false)
$$;

revoke all on function tenantd.onboarding_default_steps() from public;
grant execute on function tenantd.onboarding_default_steps() to tenantd_app, tenantd_readonly;
