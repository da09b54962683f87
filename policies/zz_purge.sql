-- The purge policies, one pair per tenant table, generated: every table of schema tenantd with a
-- tenant_id column (and the tenants table itself, by id) lets tenantd_owner select and delete
-- the rows of the tenant tenantd.purge_tenant_id() names, and nothing else. Generated so that a
-- new tenant table is purged without editing anything; sorted last in policies/ because each
-- table's own file drops all of its policies first. tenantd.owner_policies() lists them.
do $$
declare
  v_table regclass;
begin
  for v_table in
    select c.oid::regclass
      from pg_class c
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relnamespace = 'tenantd'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
  loop
    execute format('drop policy if exists purge_select_as_owner on %s', v_table);
    execute format('drop policy if exists purge_delete_as_owner on %s', v_table);
    execute format('create policy purge_select_as_owner on %s for select to tenantd_owner '
                   'using (tenant_id = tenantd.purge_tenant_id())', v_table);
    execute format('create policy purge_delete_as_owner on %s for delete to tenantd_owner '
                   'using (tenant_id = tenantd.purge_tenant_id())', v_table);
  end loop;
end
$$;

drop policy if exists purge_delete_as_owner on tenantd.tenants;
create policy purge_delete_as_owner on tenantd.tenants for delete to tenantd_owner
  using (id = tenantd.purge_tenant_id());
