-- tenantd.consume_quota(metric, n): admit n more of a quota metric (tenantd.quota_metrics) for
-- the current tenant, in the caller's transaction, or refuse. The one quota primitive: a create
-- that a plan bounds calls it before its insert, so the admission commits or rolls back with
-- the create it admits. Returns the metric's use including the n admitted.
--
--   monthly metrics  the counter row of (tenant, metric, tenantd.quota_period(now())) is
--                    upserted and incremented; the new value is checked against the limit.
--   current metrics  the counter row of (tenant, metric, 'current') is locked, then
--                    tenantd.quota_used counts what exists in a statement that starts after the
--                    lock is held, and the counter records the count with the admission.
-- Exact under concurrency: every admission of a (tenant, metric) holds that counter row's lock
-- from the upsert to its commit, so 50 concurrent creates at limit − 1 queue on the row and
-- exactly one is admitted; the others see its row (monthly) or its insert (current).
--
-- Fails closed. The lock is waited for at most tenantd.quota_lock_timeout (a setting, default
-- 2s); then, or when the entitlements or the count cannot be read, the answer is TDS01
-- quota_unavailable (503), never an admission.
--
-- Errors carry their extra problem members as a JSON object in DETAIL (the dispatcher copies
-- the members of an object DETAIL of a TD error into the problem body):
--   TDF07 quota_exceeded (403)   {metric, limit, used, resets_at (monthly; null otherwise)}
--   TDS01 quota_unavailable (503) {metric}
--   TD400 no tenant context · TD500 an unknown metric (a programming error)
-- Security invoker: the counter goes through its own-tenant policies.
create or replace function tenantd.consume_quota(p_metric text, p_n int default 1) returns bigint
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_kind text;
  v_entitlements jsonb;
  v_limit bigint;
  v_period record;
  v_key text;
  v_used bigint;
  v_saved_timeout text := pg_catalog.current_setting('lock_timeout');
  -- now() through a variable: Citus refuses a non-immutable function in ON CONFLICT DO UPDATE SET
  v_now timestamptz := pg_catalog.now();
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  select q.kind into v_kind from tenantd.quota_metrics() q where q.metric = p_metric;
  if v_kind is null or p_n is null or p_n < 1 then
    raise exception using errcode = 'TD500', message = 'internal error',
      detail = format('consume_quota(%s, %s): unknown metric or bad amount', p_metric, p_n);
  end if;
  v_period := tenantd.quota_period(v_now);
  v_key := case v_kind when 'monthly' then v_period.period else 'current' end;

  begin
    v_entitlements := tenantd.effective_entitlements(v_tenant);
    if v_entitlements is null or jsonb_typeof(v_entitlements -> 'limits') <> 'object' then
      raise exception using errcode = 'TDS01';
    end if;
    -- absent or JSON null: unlimited (the plan says so); still counted, for the history
    v_limit := (v_entitlements -> 'limits' ->> p_metric)::bigint;

    perform pg_catalog.set_config('lock_timeout',
      coalesce(nullif(pg_catalog.current_setting('tenantd.quota_lock_timeout', true), ''), '2s'), true);
    if v_kind = 'monthly' then
      insert into tenantd.quota_counters as c (tenant_id, metric, period, value)
      values (v_tenant, p_metric, v_key, p_n)
      on conflict (tenant_id, metric, period)
      do update set value = c.value + excluded.value, updated_at = v_now
      returning c.value - p_n into v_used;
    else
      insert into tenantd.quota_counters as c (tenant_id, metric, period, value)
      values (v_tenant, p_metric, v_key, 0)
      on conflict (tenant_id, metric, period) do update set updated_at = v_now;
      v_used := tenantd.quota_used(p_metric);
      if v_used is null then
        raise exception using errcode = 'TDS01';
      end if;
      update tenantd.quota_counters c set value = v_used + p_n
       where c.tenant_id = v_tenant and c.metric = p_metric and c.period = v_key;
    end if;
    perform pg_catalog.set_config('lock_timeout', v_saved_timeout, true);
  exception
    when lock_not_available or sqlstate 'TDS01' or undefined_table
         or invalid_text_representation or numeric_value_out_of_range then
      -- the subtransaction is rolled back (the lock_timeout setting with it)
      raise exception using errcode = 'TDS01',
        message = format('the %s quota cannot be checked right now; retry shortly', p_metric),
        detail = pg_catalog.jsonb_build_object('metric', p_metric)::text;
  end;

  if v_limit is not null and v_used + p_n > v_limit then
    raise exception using errcode = 'TDF07',
      message = format('the %s quota of this tenant is used up (%s of %s)', p_metric, v_used, v_limit),
      detail = pg_catalog.jsonb_build_object(
                 'metric', p_metric, 'limit', v_limit, 'used', v_used,
                 'resets_at', case v_kind when 'monthly' then tenantd.rfc3339(v_period.resets_at) end)::text;
  end if;
  return v_used + p_n;
end
$$;

revoke all on function tenantd.consume_quota(text, int) from public;
grant execute on function tenantd.consume_quota(text, int) to tenantd_app;
