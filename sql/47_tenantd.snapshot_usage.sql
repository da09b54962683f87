-- tenantd.snapshot_usage(day, estimate_from_rows): the daily sample of what every tenant holds, written to
-- tenantd.usage_daily under `day` (the 'usage.snapshot' job passes the UTC day it was scheduled
-- for): users_count (active memberships, as the members quota counts them), storage_rows (rows
-- with the tenant's id across every tenant table) and storage_bytes (an estimate of the bytes
-- those rows occupy). Each value replaces that day's row, so a retried or repeated job writes
-- the same day again instead of adding to it. Deleted tenants are skipped. Returns the number
-- of tenants sampled.
--
-- storage_bytes is estimated per table as
--   (the tenant's rows in the table) × pg_total_relation_size(table) / pg_class.reltuples
-- i.e. the tenant's share of the table's heap, indexes and TOAST by row count, with the table's
-- average row cost taken from the statistics ANALYZE/autovacuum already keep (reltuples is
-- itself an estimate from a sample). Why this and not something else:
--   - counting the tenant's rows is cheap: every tenant table has an index led by tenant_id
--     (rls_audit's no_tenant_index), so the count reads the tenant's part of that index only,
--     never the other tenants' rows and never the wide columns;
--   - TABLESAMPLE samples the whole table: a small tenant in a big table gets 0 or a wild
--     guess from a sample, and its cost grows with every tenant's data, not this one's;
--   - summing pg_column_size over the tenant's rows would be exact for the heap but reads every
--     row in full (TOAST included) every day, and still misses the indexes.
-- A small table (fewer than p_estimate_from_rows rows by the statistics, default 10000; also one
-- ANALYZE has never seen, or a Citus coordinator's empty shell) is measured instead: the sum of
-- pg_column_size over the tenant's rows. That is cheap exactly because the table is small, and
-- it is what makes sense there: a small table's size is mostly fixed overhead (an 8 kB page per
-- index at least) and the bloat of rows long gone, which divided by a handful of rows would
-- charge a tenant tens of kilobytes per row.
--
-- SECURITY DEFINER: a worker has no tenant context and no rights on tenant tables. As the owner
-- it still goes through the tenant policies (FORCE RLS): it enters each tenant in turn with a
-- transaction-local context (as tenantd.cleanup_sessions does), with every permission of the
-- catalogue so that the own-tenant select policies let it count all of the tenant's rows, and
-- restores the caller's context. It returns a count only; the sampled values go to usage_daily.
-- Worker-only (DESIGN §3).
create or replace function tenantd.snapshot_usage(p_day date default null, p_estimate_from_rows bigint default 10000)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_day date := coalesce(p_day, (pg_catalog.now() at time zone 'UTC')::date);
  -- the upsert's stamp as a variable: Citus takes only immutable functions in DO UPDATE SET of a
  -- distributed table; a plpgsql variable reaches it as a constant
  v_now timestamptz := pg_catalog.now();
  v_previous_tenant text := coalesce(pg_catalog.current_setting('app.tenant_id', true), '');
  v_previous_permissions text := coalesce(pg_catalog.current_setting('app.permissions', true), '');
  v_rels regclass[];
  v_bytes_per_row numeric[];
  v_t integer;
  v_tenant uuid;
  v_done integer := 0;
  v_users bigint;
  v_rows bigint;
  v_bytes numeric;
  v_n bigint;
  v_b numeric;
begin
  -- every tenant table and its average bytes per row (NULL: measure the rows instead), once
  select coalesce(array_agg(c.oid::regclass order by c.oid::regclass::text), '{}'),
         coalesce(array_agg(case when c.reltuples >= greatest(p_estimate_from_rows, 1)
                                 then pg_catalog.pg_total_relation_size(c.oid)::numeric / c.reltuples::numeric end
                            order by c.oid::regclass::text), '{}')
    into v_rels, v_bytes_per_row
    from pg_catalog.pg_class c
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
   where c.relnamespace = 'tenantd'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition;

  perform pg_catalog.set_config('app.permissions',
                                ',' || pg_catalog.array_to_string(tenantd.permission_catalogue(), ',') || ',', true);
  for v_tenant in select t.id from tenantd.tenants t where t.deleted_at is null order by t.id loop
    perform pg_catalog.set_config('app.tenant_id', v_tenant::text, true);
    perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

    select count(*) into v_users from tenantd.memberships m
     where m.tenant_id = v_tenant and not m.disabled and not m.user_disabled;

    v_rows := 0;
    v_bytes := 0;
    for v_t in 1 .. coalesce(array_length(v_rels, 1), 0) loop
      if v_bytes_per_row[v_t] is not null then
        execute pg_catalog.format('select count(*) from %s t where t.tenant_id = $1', v_rels[v_t])
          into v_n using v_tenant;
        v_b := v_n * v_bytes_per_row[v_t];
      else
        execute pg_catalog.format('select count(*), coalesce(sum(pg_catalog.pg_column_size(t.*)), 0) from %s t where t.tenant_id = $1',
                                  v_rels[v_t])
          into v_n, v_b using v_tenant;
      end if;
      v_rows := v_rows + v_n;
      v_bytes := v_bytes + v_b;
    end loop;

    insert into tenantd.usage_daily as d (tenant_id, metric, day, value)
    values (v_tenant, 'users_count', v_day, v_users),
           (v_tenant, 'storage_rows', v_day, v_rows),
           (v_tenant, 'storage_bytes', v_day, pg_catalog.round(v_bytes)::bigint)
    on conflict (tenant_id, metric, day)
    do update set value = excluded.value, updated_at = v_now;
    v_done := v_done + 1;
  end loop;

  perform pg_catalog.set_config('app.tenant_id', v_previous_tenant, true);
  perform pg_catalog.set_config('app.permissions', v_previous_permissions, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return v_done;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.snapshot_usage(date, bigint) from public, tenantd_app;
grant execute on function tenantd.snapshot_usage(date, bigint) to tenantd_worker;
