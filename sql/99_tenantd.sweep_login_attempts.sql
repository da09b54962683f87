-- tenantd.sweep_login_attempts(): deletes login attempts older than an hour, in every tenant;
-- run by the hourly maintenance sweep. Returns the count.
-- The lockout reads only the last 15 minutes (tenantd.auth_login_begin) and login completion the
-- last 5 (tenantd.auth_login_complete); an hour is that window plus a wide margin, so a sweep never
-- shortens a lockout. Without it an unauthenticated client could grow the table forever by
-- trying ever new email addresses (the login function prunes only the account it touches).
--
-- SECURITY DEFINER: the worker role has no grants on tenantd.login_attempts. Even as the owner
-- it goes through the tenant policies (FORCE RLS): it enters each tenant in turn with a
-- transaction-local context (as tenantd.cleanup_sessions does) and restores the caller's.
create or replace function tenantd.sweep_login_attempts()
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
    delete from tenantd.login_attempts a where a.at < now() - interval '1 hour';
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end loop;
  perform set_config('app.tenant_id', v_previous, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.sweep_login_attempts() from public, tenantd_app;
grant execute on function tenantd.sweep_login_attempts() to tenantd_worker;
