-- tenantd.export_tables(): the tables a tenant export holds, in the archive's order: the
-- tenant's own row (tenantd.tenants) first, then every tenant table by name. tenantd.export_start
-- answers it to the job, and the job reads it itself, as tenantd_readonly, before export_start
-- (on Citus the reads must come before the definer's write of the export row: once one role has
-- written a tenant's shards in a transaction, another may not read them in it).
-- plpgsql, not SQL: tenantd.tenant_tables() is created by a file that sorts after this one, and a
-- SQL function's body is checked when it is created.
create or replace function tenantd.export_tables() returns jsonb
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  return jsonb_build_array('tenantd.tenants')
         || coalesce((select jsonb_agg(t.name order by t.name) from tenantd.tenant_tables() t), '[]');
end
$$;

revoke all on function tenantd.export_tables() from public;
grant execute on function tenantd.export_tables() to tenantd_readonly;
