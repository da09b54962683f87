-- tenantd.drop_policies(table): drop every policy on a table. Each policies/<table>.sql calls it
-- before creating its policies, so that file alone is the table's policy set: a policy renamed
-- or removed from the file disappears from the database on the next migrate instead of
-- lingering (a stale permissive policy would widen access, and no audit would notice). The
-- policies/ batch runs in one transaction, so no other session sees the table without policies.
create or replace procedure tenantd.drop_policies(p_table regclass)
language plpgsql
as $$
declare
  v_policy name;
begin
  for v_policy in select p.polname from pg_catalog.pg_policy p where p.polrelid = p_table loop
    execute format('drop policy %I on %s', v_policy, p_table);
  end loop;
end
$$;

-- owner-only: migrations and DBAs (members of tenantd_owner) run it
revoke all on procedure tenantd.drop_policies(regclass) from public;
