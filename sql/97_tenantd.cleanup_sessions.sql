-- tenantd.cleanup_sessions(keep_days): deletes sessions that expired or were revoked more than
-- keep_days ago, in every tenant; run by the 'sessions.cleanup' job. Returns the count.
--
-- SECURITY DEFINER: a worker has no tenant context and no rights on other tenants. Even as the
-- owner it goes through the tenant policies (FORCE RLS): it enters each tenant in turn with a
-- transaction-local context, so the same per-tenant rules decide what it may delete.
create or replace function tenantd.cleanup_sessions(p_keep_days integer default 7)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_count integer := 0;
  v_n integer;
  v_previous text := coalesce(current_setting('app.tenant_id', true), '');
begin
  for v_tenant in select t.id from tenantd.tenants t loop
    perform set_config('app.tenant_id', v_tenant::text, true);
    perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
    delete from tenantd.sessions s
     where s.expires_at < now() - make_interval(days => p_keep_days)
        or s.revoked_at < now() - make_interval(days => p_keep_days);
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end loop;
  perform set_config('app.tenant_id', v_previous, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.cleanup_sessions(integer) from public, tenantd_app;
grant execute on function tenantd.cleanup_sessions(integer) to tenantd_worker;
