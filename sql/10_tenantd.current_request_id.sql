-- tenantd.current_request_id(): the request id (app.request_id) copied into audit rows, NULL
-- when unset or empty.
create or replace function tenantd.current_request_id() returns text
language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.request_id', true), '') $$;

revoke all on function tenantd.current_request_id() from public;
grant execute on function tenantd.current_request_id() to tenantd_app, tenantd_readonly;
