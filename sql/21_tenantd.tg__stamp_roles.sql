-- The generic bookkeeping trigger (sql/20_tenantd.tg__stamp.sql) on tenantd.roles: created_* and
-- updated_* are owned by the trigger, never by the caller.
create or replace trigger tg__stamp before insert or update on tenantd.roles
  for each row execute function tenantd.tg__stamp();
