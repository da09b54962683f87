-- tenantd.current_tenant_id(): the tenant the transaction acts in (app.tenant_id), or NULL when
-- unset, empty or not a uuid. NULL matches no tenant_id, so a missing context means no rows
-- (fail closed). Policies call it bare, `tenant_id = tenantd.current_tenant_id()`: it is an
-- inlinable SQL function (language sql, stable, one expression, no SET clause, security invoker;
-- so is parse_uuid), the planner replaces the call by its expression, which has no column
-- reference, so the comparison is an index condition on the (tenant_id, …) indexes evaluated
-- once per scan. No (select …) wrapper: Citus refuses policies with subqueries.
-- Also the default of every tenant_id column (first created in migration 0002).
create or replace function tenantd.current_tenant_id() returns uuid
language sql stable parallel safe
as $$ select tenantd.parse_uuid(pg_catalog.current_setting('app.tenant_id', true)) $$;

revoke all on function tenantd.current_tenant_id() from public;
grant execute on function tenantd.current_tenant_id() to tenantd_app, tenantd_readonly;
