-- tenantd.purge_step(tenant, batch): one batch of a tenant's purge; the 'tenant.purge' job calls
-- it once per job and queues the next job until it answers {"done": true}, so every batch
-- commits on its own and a crash (kill -9) loses at most the batch in hand: the next run picks
-- up where the committed state is. Each call, in order:
--   1. the tenant's data keys are shredded first (its sealed secrets open with nothing from
--      then on, even if the purge stops there);
--   2. up to `batch` rows of the first tenant table (by name) that still has rows of the tenant
--      and that no other tenant table with rows of the tenant references (found by catalog
--      introspection: tenantd.tenant_tables(), shared with the export, and foreign keys from
--      pg_constraint; a new table is purged without editing this);
--   3. when no tenant table has a row left: the tenants row itself, purged_at on the tombstone,
--      and a 'tenant.purged' line in tenantd.platform_log.
-- Rows deleted are added per table to the tombstone's row_counts. Every delete names the one
-- tenant (tenant_id = p_tenant) and passes the purge policies, which open only that tenant
-- (tenantd.purge_tenant_id(), set here transaction-locally).
-- SECURITY DEFINER: a purge crosses every tenant table and the worker has rights on none;
-- tenantd_worker only. Refuses a tenant without a tombstone (tenantd.request_purge made it).
create or replace function tenantd.purge_step(p_tenant uuid, p_batch integer) returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tomb tenantd.tenant_tombstones;
  v_table regclass;
  v_busy boolean;
  v_deleted bigint;
  v_name text;
  v_batch integer := least(greatest(coalesce(p_batch, 1000), 1), 100000);
begin
  select * into v_tomb from tenantd.tenant_tombstones t where t.id = p_tenant for update;
  if not found then
    raise exception using errcode = 'TD404', message = 'no purge was requested for this tenant';
  end if;
  if v_tomb.purged_at is not null then
    return jsonb_build_object('done', true);
  end if;
  -- SET LOCAL rather than set_config: on Citus only SET LOCAL reaches the workers, where the
  -- shards' purge policies read it (with set_config they saw no purge tenant, found no rows and
  -- the purge reported done with the tenant's rows still there); the same on one node
  execute format('set local tenantd.purge_tenant = %L', p_tenant::text);

  for v_table in
    select t.tbl from tenantd.tenant_tables() t
     order by t.tbl <> 'tenantd.tenant_data_keys'::regclass, t.name
  loop
    execute format('select exists (select 1 from %s where tenant_id = $1)', v_table) into v_busy using p_tenant;
    continue when not v_busy;
    -- a table still referenced by another tenant table's rows of this tenant waits for them
    if exists (
      select 1
        from pg_constraint f
        join pg_attribute a on a.attrelid = f.conrelid and a.attname = 'tenant_id' and not a.attisdropped
       where f.contype = 'f' and f.confrelid = v_table and f.conrelid <> v_table
         and tenantd.purge_has_rows(f.conrelid::regclass, p_tenant)) then
      continue;
    end if;
    -- tenant_id named in the delete too: on Citus a ctid is a place in one shard, and the
    -- delete must go to the tenant's shard only (the same rows on one node)
    execute format('delete from %1$s where tenant_id = $1 and ctid = any (array(select ctid from %1$s where tenant_id = $1 limit $2))',
                   v_table)
      using p_tenant, v_batch;
    get diagnostics v_deleted = row_count;
    -- counted under the schema-qualified name, whatever the search_path prints
    select format('%I.%I', n.nspname, c.relname) into v_name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = v_table;
    update tenantd.tenant_tombstones t
       set row_counts = t.row_counts || jsonb_build_object(v_name,
                          coalesce((t.row_counts ->> v_name)::bigint, 0) + v_deleted)
     where t.id = p_tenant;
    set local tenantd.purge_tenant = '';
    return jsonb_build_object('done', false, 'table', v_name, 'deleted', v_deleted);
  end loop;

  -- a tenant table with rows nobody may delete first (a reference cycle) is an error, not a loop
  if exists (select 1 from tenantd.tenant_tables() t where tenantd.purge_has_rows(t.tbl, p_tenant)) then
    raise exception using errcode = 'TD500', message = 'purge: tenant tables reference each other in a cycle';
  end if;

  delete from tenantd.tenants t where t.id = p_tenant;
  update tenantd.tenant_tombstones t set purged_at = now() where t.id = p_tenant;
  insert into tenantd.platform_log (event, tenant_id_text, details)
  select 'tenant.purged', p_tenant::text,
         jsonb_build_object('row_counts', t.row_counts, 'requested_by', t.requested_by,
                            'requested_at', t.requested_at, 'deleted_at', t.deleted_at)
    from tenantd.tenant_tombstones t where t.id = p_tenant;
  set local tenantd.purge_tenant = '';
  return jsonb_build_object('done', true);
end
$$;

revoke all on function tenantd.purge_step(uuid, integer) from public;
grant execute on function tenantd.purge_step(uuid, integer) to tenantd_worker;
