-- The retention policies, one pair per table a retention sweep deletes from (tenantd.retention_kinds():
-- audit_log, invitations, sessions, usage_events): tenantd_owner may select and delete the rows
-- of the one tenant tenantd.retention_tenant_id() names, and nothing else. The sweep
-- (tenantd.retention_step, a definer function of tenantd_worker) sets that tenant
-- transaction-locally and chooses the expired rows itself; for every other session the helper
-- is NULL. The tables' own files deny DELETE to every login role (audit log and billing records
-- are append-only for the app); these are the one way rows leave them before a purge.
-- retention_settings gets the select half: the sweep reads the tenant's settings through it.
-- Sorted last in policies/ because each table's own file drops all of its policies first.
-- tenantd.owner_policies() lists them.
do $$
declare
  v_data text;
begin
  foreach v_data in array tenantd.retention_kinds() || array['retention_settings'] loop
    execute format('drop policy if exists retention_select_as_owner on tenantd.%I', v_data);
    execute format('drop policy if exists retention_delete_as_owner on tenantd.%I', v_data);
    execute format('create policy retention_select_as_owner on tenantd.%I for select to tenantd_owner '
                   'using (tenant_id = tenantd.retention_tenant_id())', v_data);
    if v_data <> 'retention_settings' then
      execute format('create policy retention_delete_as_owner on tenantd.%I for delete to tenantd_owner '
                     'using (tenant_id = tenantd.retention_tenant_id())', v_data);
    end if;
  end loop;
end
$$;
