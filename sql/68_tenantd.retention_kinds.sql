-- tenantd.retention_kinds(): the kinds of data retention applies to, each named by its table, in
-- the order the sweep visits them (migration 0125 says what each covers). The check constraints
-- of plan_retention and retention_settings list the same names.
create or replace function tenantd.retention_kinds() returns text[]
language sql immutable parallel safe
as $$
  select array['audit_log', 'invitations', 'sessions', 'usage_events']::text[]
$$;

revoke all on function tenantd.retention_kinds() from public, tenantd_worker;
grant execute on function tenantd.retention_kinds() to tenantd_app, tenantd_readonly;
