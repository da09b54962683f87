-- tenantd.sweep_idempotency_keys(): deletes expired idempotency records (the
-- 'idempotency.sweep' job). Returns the count.
--
-- SECURITY DEFINER: workers have no grants on tenantd.idempotency_keys.
create or replace function tenantd.sweep_idempotency_keys()
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count integer;
begin
  delete from tenantd.idempotency_keys k where k.expires_at < now();
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.sweep_idempotency_keys() from public, tenantd_app;
grant execute on function tenantd.sweep_idempotency_keys() to tenantd_worker;
