-- tenantd.export_rows(tenant, table): every row of `tenant` in `table` (one of
-- tenantd.tenant_tables(), or tenantd.tenants for the tenant's own row), one JSON object text
-- per row, in primary key order: what the 'tenant.export' job writes as that table's JSON lines.
-- SECURITY INVOKER, for tenantd_readonly only: the job switches to that role (SET ROLE, reset after)
-- for its reads, so row-level security binds them to the tenant set here as the context, and
-- the columns that role may not read (credential hashes, link token hashes) are left out,
-- as are the tables it may not read at all (wrapped data keys, pending sign-ups): the export
-- cannot read another tenant's rows even if this function's own filter were wrong. The context
-- is the tenant's administrator's (every permission of the catalogue), so the permission-gated
-- policies show every row of the tenant.
--   TD400 not a tenant table
create or replace function tenantd.export_rows(p_tenant uuid, p_table regclass) returns setof text
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_key text;
  v_cols text;
  v_order text;
begin
  if p_table = 'tenantd.tenants'::regclass then
    v_key := 'id';
  elsif exists (select 1 from tenantd.tenant_tables() t where t.tbl = p_table) then
    v_key := 'tenant_id';
  else
    raise exception using errcode = 'TD400', message = 'not a tenant table';
  end if;
  if not has_table_privilege(p_table, 'select')
     and not exists (select 1 from pg_attribute a where a.attrelid = p_table and a.attnum > 0
                        and not a.attisdropped and has_column_privilege(p_table, a.attnum, 'select')) then
    return;  -- a table this role may not read at all (its rows are not the tenant's to take)
  end if;
  perform set_config('app.tenant_id', p_tenant::text, true),
          set_config('app.role', 'tenant_admin', true),
          set_config('app.permissions', ',' || array_to_string(tenantd.permission_catalogue(), ',') || ',', true);
  perform tenantd.propagate_context();  -- on Citus, the shards' policies see it too
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_cols
    from pg_attribute a
   where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped
     and has_column_privilege(p_table, a.attnum, 'select');
  select string_agg(format('%I', a.attname), ', ' order by k.ord) into v_order
    from pg_index i
   cross join lateral unnest(i.indkey) with ordinality k (attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
   where i.indrelid = p_table and i.indisprimary and has_column_privilege(p_table, a.attnum, 'select');
  return query execute format('select row_to_json(r)::text from (select %s from %s where %I = $1 order by %s) r',
                              v_cols, p_table, v_key, coalesce(v_order, '1'))
    using p_tenant;
  perform set_config('app.tenant_id', '', true), set_config('app.role', '', true),
          set_config('app.permissions', '', true);
  perform tenantd.propagate_context();
end
$$;

revoke all on function tenantd.export_rows(uuid, regclass) from public;
grant execute on function tenantd.export_rows(uuid, regclass) to tenantd_readonly;
