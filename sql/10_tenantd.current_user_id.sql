-- tenantd.current_user_id(): the acting user (app.user_id), or NULL when unset, empty or not a
-- uuid; never raises. Used for audit columns (created_by/updated_by, audit_log.actor_id) and the
-- users "own row" policies.
create or replace function tenantd.current_user_id() returns uuid
language sql stable parallel safe
as $$ select tenantd.parse_uuid(pg_catalog.current_setting('app.user_id', true)) $$;

revoke all on function tenantd.current_user_id() from public;
grant execute on function tenantd.current_user_id() to tenantd_app, tenantd_readonly;
