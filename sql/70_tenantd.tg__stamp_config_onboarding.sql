-- The bookkeeping columns (created_*/updated_*) of tenant_configs and onboarding_steps are owned
-- by the shared tenantd.tg__stamp() trigger function (20_tenantd.tg__stamp.sql), as for the other
-- tenant tables; the triggers are attached here, next to the rest of these tables' SQL.
create or replace trigger tg__stamp before insert or update on tenantd.tenant_configs
  for each row execute function tenantd.tg__stamp();
create or replace trigger tg__stamp before insert or update on tenantd.onboarding_steps
  for each row execute function tenantd.tg__stamp();
