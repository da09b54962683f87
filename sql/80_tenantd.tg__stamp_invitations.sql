-- The generic bookkeeping trigger (sql/20_tenantd.tg__stamp.sql) on tenantd.invitations:
-- created_* and updated_* are owned by the trigger, never by the caller. (login_attempts keeps
-- its own `at`; sessions already have the trigger.)
create or replace trigger tg__stamp before insert or update on tenantd.invitations
  for each row execute function tenantd.tg__stamp();
