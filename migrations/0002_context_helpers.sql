-- Tenant-context helpers that later migrations use as column defaults
-- (tenant_id default tenantd.current_tenant_id(), audit_log's actor/request defaults), so they
-- must exist before those tables. The current definitions live in sql/ (same names, CREATE OR
-- REPLACE, with their grants) and replace these on every migrate: read those files, not this one.

create function tenantd.parse_uuid(p_value text) returns uuid
language sql immutable parallel safe
as $$
  select case
    when p_value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then p_value::uuid
  end
$$;

create function tenantd.current_tenant_id() returns uuid
language sql stable parallel safe
as $$ select tenantd.parse_uuid(pg_catalog.current_setting('app.tenant_id', true)) $$;

create function tenantd.current_user_id() returns uuid
language sql stable parallel safe
as $$ select tenantd.parse_uuid(pg_catalog.current_setting('app.user_id', true)) $$;

create function tenantd.current_role_name() returns text
language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.role', true), '') $$;

create function tenantd.current_request_id() returns text
language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.request_id', true), '') $$;
