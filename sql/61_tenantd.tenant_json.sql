-- tenantd.tenant_json(tenant row): a tenant as the API shows it (GET/PATCH /v1/tenants/{id},
-- the list, the lifecycle actions): the same fields in the same order for every route, status
-- being the lifecycle state (tenantd.tenant_state: 'deleted' when soft-deleted), timestamps in
-- the API's one spelling (tenantd.rfc3339). Inlinable SQL: it costs nothing per row.
-- Callers pass row(t.*)::tenantd.tenants, not t: on Citus a table's whole-row value has the
-- row type of the shard the query runs on (tenants_102012), for which this function does not exist.
create or replace function tenantd.tenant_json(t tenantd.tenants) returns json
language sql stable parallel safe
as $$
  select json_build_object(
    'id', t.id,
    'slug', t.slug,
    'name', t.name,
    'description', t.description,
    'status', tenantd.tenant_state(t.status, t.deleted_at),
    'status_reason', t.status_reason,
    'plan', t.plan,
    'external_id', t.external_id,
    'metadata', t.metadata,
    'created_at', tenantd.rfc3339(t.created_at),
    'updated_at', tenantd.rfc3339(t.updated_at),
    'activated_at', tenantd.rfc3339(t.activated_at),
    'suspended_at', tenantd.rfc3339(t.suspended_at),
    'deleted_at', tenantd.rfc3339(t.deleted_at))
$$;

revoke all on function tenantd.tenant_json(tenantd.tenants) from public;
grant execute on function tenantd.tenant_json(tenantd.tenants) to tenantd_app, tenantd_readonly;
