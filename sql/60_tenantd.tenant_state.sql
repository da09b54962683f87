-- tenantd.tenant_state(status, deleted_at): a tenant's lifecycle state. Soft deletion sets
-- deleted_at and leaves status as it was (tenantd.transition_tenant), so 'deleted' is derived
-- here; every reader that reports a state (the API, enter_context, stats) uses this rule.
create or replace function tenantd.tenant_state(p_status text, p_deleted_at timestamptz) returns text
language sql immutable parallel safe
as $$ select case when p_deleted_at is not null then 'deleted' else p_status end $$;

revoke all on function tenantd.tenant_state(text, timestamptz) from public;
grant execute on function tenantd.tenant_state(text, timestamptz) to tenantd_app, tenantd_readonly;
