-- tenantd.purge_has_rows(table, tenant): whether `table` still holds a row of `tenant`, for
-- tenantd.purge_step's ordering (it runs inside that definer function, under the purge policies).
-- False for a table without a tenant_id column: the planner may call it before a join has
-- filtered such tables out.
create or replace function tenantd.purge_has_rows(p_table regclass, p_tenant uuid) returns boolean
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v boolean;
begin
  if not exists (select 1 from pg_attribute a
                  where a.attrelid = p_table and a.attname = 'tenant_id' and not a.attisdropped) then
    return false;
  end if;
  execute format('select exists (select 1 from %s where tenant_id = $1)', p_table) into v using p_tenant;
  return v;
end
$$;

revoke all on function tenantd.purge_has_rows(regclass, uuid) from public;
