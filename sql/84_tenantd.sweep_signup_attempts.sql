-- tenantd.sweep_signup_attempts(): deletes sign-up counters older than an hour (only the
-- current minute's row is ever read). Called by the maintenance sweep job. Returns the count.
-- SECURITY DEFINER: the worker role has no grants on tenantd.signup_attempts.
create or replace function tenantd.sweep_signup_attempts()
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count integer;
begin
  delete from tenantd.signup_attempts a where a.minute < now() - interval '1 hour';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.sweep_signup_attempts() from public, tenantd_app;
grant execute on function tenantd.sweep_signup_attempts() to tenantd_worker;
