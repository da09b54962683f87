-- tenantd.on_citus_worker(): true when this server is a Citus worker node, false on the
-- coordinator and on a server without Citus. A trigger on a reference table (users, tenants,
-- domains) fires on every node's copy of the table; the ones whose work belongs to the
-- coordinator (copying into distributed tables) return at once on the workers.
-- Dynamic SQL: without Citus the catalog does not exist and a static reference would not plan.
create or replace function tenantd.on_citus_worker() returns boolean
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_group int;
begin
  if pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') is null then
    return false;
  end if;
  execute 'select g.groupid from pg_catalog.pg_dist_local_group g' into v_group;
  return v_group is distinct from 0;
end
$$;

revoke all on function tenantd.on_citus_worker() from public;
