-- tenantd.seed_onboarding(tenant): give a new tenant the default onboarding steps
-- (tenantd.onboarding_default_steps). Returns how many were added. Called by the trigger
-- tg_tenants__seed_onboarding for every new tenant, in the transaction that creates it.
-- Security invoker: run by the owner (that trigger; migrations), whose policy
-- onboarding_steps.insert_seeded_as_owner admits uncompleted steps for any tenant; the app role
-- has no EXECUTE on it. Plain INSERT, no ON CONFLICT: the conflict target would make the
-- select policies (own tenant only) apply to the new rows as well, and a tenant that has steps
-- already is a caller's mistake worth an error (unique violation), not something to paper over.
create or replace function tenantd.seed_onboarding(p_tenant uuid)
returns int
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count int := 0;
  v_step record;
begin
  -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
  -- colocated table through COPY, which it refuses under row-level security
  for v_step in select d.key, d.title, d.step_position, d.required from tenantd.onboarding_default_steps() d loop
    insert into tenantd.onboarding_steps (tenant_id, key, title, position, required)
    values (p_tenant, v_step.key, v_step.title, v_step.step_position, v_step.required);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

revoke all on function tenantd.seed_onboarding(uuid) from public;
