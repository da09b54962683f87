-- tenantd.tenant_tables(): every table that holds tenant data, found in the catalog: the tables
-- of schema tenantd with a tenant_id column (partitioned parents, not their partitions), with
-- the schema-qualified name they are counted and filed under. The one introspection the purge
-- (tenantd.purge_step, its generated policies aside) and the export (tenantd.export_start) share,
-- so a new tenant table is purged and exported without editing either.
create or replace function tenantd.tenant_tables() returns table (tbl regclass, name text)
language sql stable
set search_path = pg_catalog, pg_temp
as $$
  select c.oid::regclass, format('%I.%I', n.nspname, c.relname)
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
   where n.nspname = 'tenantd' and c.relkind in ('r', 'p') and not c.relispartition
   order by 2
$$;

revoke all on function tenantd.tenant_tables() from public;
grant execute on function tenantd.tenant_tables() to tenantd_readonly;
