-- tenantd.tg_tenants__seed_onboarding(): AFTER INSERT on tenants: the new tenant gets the
-- default onboarding steps in the same transaction as its creation.
-- SECURITY DEFINER because whoever creates a tenant (a super admin, provisioning) acts outside
-- it: the new tenant is not the context's tenant, so the own-tenant insert policy of
-- onboarding_steps refuses its rows. As the owner, the policy insert_seeded_as_owner admits
-- them (uncompleted steps only). It touches nothing but the new tenant's steps. search_path
-- pinned, names schema-qualified.
create or replace function tenantd.tg_tenants__seed_onboarding()
returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.seed_onboarding(new.id);
  return null;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_tenants__seed_onboarding() from public;

create or replace trigger tg_tenants__seed_onboarding after insert on tenantd.tenants
  for each row execute function tenantd.tg_tenants__seed_onboarding();
