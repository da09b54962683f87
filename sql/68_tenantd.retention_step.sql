-- tenantd.retention_step(state): one step of a retention sweep. The 'retention.sweep' job calls
-- it once per job with the job's payload and queues the next job with the answer's state until
-- it answers {"done": true}, so every step commits on its own: a step holds row locks on at
-- most `batch` rows being deleted (the rows nobody reads or writes any more: expired ones) for
-- one short transaction, and a concurrent insert into the same table never waits on it.
--
-- state (the job payload; {} starts a sweep):
--   started_at   the sweep's start: every cutoff is now-at-start minus the effective days
--   batch        rows per step (default 5000, 1 to 100000)
--   tenant, kind the (tenant, kind of data) in hand; the tenants are visited by id, the kinds
--                in tenantd.retention_kinds() order
--   pair_deleted, pair_batches   what this (tenant, kind) removed so far
--   deleted, batches, tenants, logged   the sweep's totals
-- One step deletes at most `batch` rows in all (one DELETE per (tenant, kind), each with a
-- LIMIT of what is left of the budget, by ctid) and probes at most 200 (tenant, kind) pairs.
-- What an expired row is, per kind (see migration 0125):
--   audit_log     at < cutoff
--   invitations   accepted_at, revoked_at or (still pending) expires_at < cutoff
--   sessions      expires_at or revoked_at < cutoff
--   usage_events  occurred_at < cutoff
-- Each (tenant, kind) that lost rows gets one 'retention.swept' line in tenantd.platform_log
-- (table, deleted, batches, retention_days, cutoff; counts, never contents) when it is done, and
-- the sweep one 'retention.sweep' line with its totals at the end. A crash loses nothing: the
-- deletes, the log lines and the next job's state commit together.
-- Every delete names the one tenant (tenant_id = the tenant in hand) and passes the retention
-- policies, which open only that tenant (tenantd.retention_tenant_id(), set here with SET LOCAL,
-- the form Citus forwards to the workers where the shards' policies read it, and cleared before
-- returning).
-- SECURITY DEFINER: the sweep crosses tenants and deletes from the append-only audit log and
-- the billing records, which no login role may delete from; tenantd_worker only.
create or replace function tenantd.retention_step(p_state jsonb) returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  k_max_probes constant int := 200;
  v_kinds text[] := tenantd.retention_kinds();
  v_state jsonb := coalesce(p_state, '{}');
  v_started timestamptz := coalesce((v_state ->> 'started_at')::timestamptz, now());
  v_batch int := least(greatest(coalesce((v_state ->> 'batch')::int, 5000), 1), 100000);
  v_tenant uuid := (v_state ->> 'tenant')::uuid;
  v_kind int := coalesce((v_state ->> 'kind')::int, 1);
  v_pair_deleted bigint := coalesce((v_state ->> 'pair_deleted')::bigint, 0);
  v_pair_batches int := coalesce((v_state ->> 'pair_batches')::int, 0);
  v_deleted bigint := coalesce((v_state ->> 'deleted')::bigint, 0);
  v_batches bigint := coalesce((v_state ->> 'batches')::bigint, 0);
  v_tenants bigint := coalesce((v_state ->> 'tenants')::bigint, 0);
  v_logged bigint := coalesce((v_state ->> 'logged')::bigint, 0);
  v_budget int;
  v_probes int := 0;
  v_policy jsonb;
  v_days int;
  v_cutoff timestamptz;
  v_n bigint;
  v_data text;
  v_sql text;
begin
  v_budget := v_batch;
  if v_tenant is not null then
    execute format('set local tenantd.retention_tenant = %L', v_tenant::text);
    v_policy := tenantd.retention_policy(v_tenant);
  end if;
  loop
    if v_tenant is null then
      -- the next tenant by id after the last one finished (the cursor lives in 'after')
      select t.id into v_tenant from tenantd.tenants t
       where v_state ->> 'after' is null or t.id > (v_state ->> 'after')::uuid
       order by t.id limit 1;
      if v_tenant is null then
        set local tenantd.retention_tenant = '';
        insert into tenantd.platform_log (event, details)
        values ('retention.sweep', jsonb_build_object(
                  'started_at', v_started, 'finished_at', clock_timestamp(), 'tenants', v_tenants,
                  'deleted', v_deleted, 'batches', v_batches, 'batch_rows', v_batch,
                  'tables_logged', v_logged));
        return jsonb_build_object('done', true, 'deleted', v_deleted, 'batches', v_batches,
                                  'tenants', v_tenants);
      end if;
      v_kind := 1;
      v_pair_deleted := 0;
      v_pair_batches := 0;
      execute format('set local tenantd.retention_tenant = %L', v_tenant::text);
      v_policy := tenantd.retention_policy(v_tenant);
    end if;

    v_data := v_kinds[v_kind];
    v_days := (v_policy -> v_data ->> 'days')::int;
    v_n := 0;
    if v_days is not null and v_budget > 0 then
      v_cutoff := v_started - make_interval(days => v_days);
      v_sql := case v_data
        when 'audit_log' then 'tenant_id = $1 and at < $2'
        when 'invitations' then 'tenant_id = $1 and (accepted_at < $2 or revoked_at < $2'
                                || ' or (status = ''pending'' and expires_at < $2))'
        when 'sessions' then 'tenant_id = $1 and (expires_at < $2 or revoked_at < $2)'
        when 'usage_events' then 'tenant_id = $1 and occurred_at < $2'
      end;
      -- by primary key (tenant_id, id) rather than ctid, which Citus cannot plan on a distributed
      -- table; both name the one tenant, so the delete stays on its shard
      execute format('delete from tenantd.%1$I where tenant_id = $1 and id = any (array(select id from tenantd.%1$I where %2$s limit $3))',
                     v_data, v_sql)
        using v_tenant, v_cutoff, v_budget;
      get diagnostics v_n = row_count;
      v_probes := v_probes + 1;
      if v_n > 0 then
        v_pair_deleted := v_pair_deleted + v_n;
        v_pair_batches := v_pair_batches + 1;
        v_deleted := v_deleted + v_n;
        v_batches := v_batches + 1;
        v_budget := v_budget - v_n;
      end if;
    end if;

    if v_budget = 0 and v_n > 0 then
      -- the budget is spent and this (tenant, kind) may have more: the next step goes on here
      set local tenantd.retention_tenant = '';
      return jsonb_build_object('done', false, 'state', v_state || jsonb_build_object(
               'started_at', v_started, 'batch', v_batch, 'tenant', v_tenant, 'kind', v_kind,
               'pair_deleted', v_pair_deleted, 'pair_batches', v_pair_batches,
               'deleted', v_deleted, 'batches', v_batches, 'tenants', v_tenants, 'logged', v_logged));
    end if;

    -- this (tenant, kind) is done
    if v_pair_deleted > 0 then
      insert into tenantd.platform_log (event, tenant_id_text, details)
      values ('retention.swept', v_tenant::text, jsonb_build_object(
                'table', 'tenantd.' || v_data, 'deleted', v_pair_deleted, 'batches', v_pair_batches,
                'retention_days', v_days, 'cutoff', v_cutoff, 'sweep_started_at', v_started));
      v_logged := v_logged + 1;
    end if;
    v_pair_deleted := 0;
    v_pair_batches := 0;
    v_kind := v_kind + 1;
    if v_kind > cardinality(v_kinds) then
      v_state := v_state || jsonb_build_object('after', v_tenant);
      v_tenants := v_tenants + 1;
      v_tenant := null;
      v_kind := 1;
    end if;
    if v_probes >= k_max_probes or v_budget = 0 then
      set local tenantd.retention_tenant = '';
      return jsonb_build_object('done', false, 'state', v_state || jsonb_build_object(
               'started_at', v_started, 'batch', v_batch, 'tenant', v_tenant, 'kind', v_kind,
               'pair_deleted', 0, 'pair_batches', 0,
               'deleted', v_deleted, 'batches', v_batches, 'tenants', v_tenants, 'logged', v_logged));
    end if;
  end loop;
end
$$;

revoke all on function tenantd.retention_step(jsonb) from public;
grant execute on function tenantd.retention_step(jsonb) to tenantd_worker;
