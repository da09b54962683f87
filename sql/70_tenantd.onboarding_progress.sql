-- tenantd.onboarding_progress(): the current tenant's onboarding progress: the percentage of its
-- required steps that are completed (rounded down; 100 when it has none) and whether all are.
-- Security invoker: reads through the caller's policies (every member reads the steps).
create or replace function tenantd.onboarding_progress()
returns table (progress_percent int, completed boolean)
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  return query select coalesce((100 * count(*) filter (where s.completed_at is not null)
                   / nullif(count(*), 0))::int, 100),
         count(*) filter (where s.completed_at is null) = 0
    from tenantd.onboarding_steps s
   where s.tenant_id = tenantd.current_tenant_id() and s.required
     and s.tenant_id = v_tenant;
end
$$;

revoke all on function tenantd.onboarding_progress() from public;
grant execute on function tenantd.onboarding_progress() to tenantd_app, tenantd_readonly;
