-- The generic bookkeeping trigger (sql/20_tenantd.tg__stamp.sql) on tenantd.retention_settings:
-- updated_by and updated_at are the trigger's, never the caller's (the app role holds INSERT on
-- updated_at only because Citus names every column in a shard's INSERT).
create or replace trigger tg__stamp before insert or update on tenantd.retention_settings
  for each row execute function tenantd.tg__stamp();
