-- tenantd.tg_tenants__seed_roles: retired (issue 5 §3). Built-in roles used to be inserted by an
-- AFTER INSERT trigger on tenants; they are now part of a tenant's preseed, created by the
-- provisioning job in its one transaction (tenantd.provision_tenant →
-- tenantd.seed_tenant_defaults), so that a failed provisioning leaves no preseed rows at all.
-- This file removes the trigger and its function from databases that still have them (sql/ is
-- re-applied on every migrate).
drop trigger if exists tg_tenants__seed_roles on tenantd.tenants;
drop function if exists tenantd.tg_tenants__seed_roles();
