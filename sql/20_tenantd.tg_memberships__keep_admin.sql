-- tenantd.tg_memberships__keep_admin(): BEFORE UPDATE OR DELETE on memberships: a tenant keeps at
-- least one active tenant_admin. Removing, demoting or disabling the last one raises
-- TD409 'last_admin: …' (HTTP 409 last_admin), for the API and for psql alike.
--
-- Concurrency: two admins demoting each other at the same moment would each count the other as
-- still an admin. So before counting, the trigger takes a transaction-level advisory lock on the
-- tenant (pg_advisory_xact_lock on a key derived from the tenant id, namespace 'tenantd.admins').
-- The second transaction waits there until the first commits or rolls back; its count is a new
-- statement, so under READ COMMITTED it sees the first one's committed change and refuses. Only
-- changes that take an admin away take the lock; promotions and other edits never wait.
-- (An advisory lock rather than `select … from tenants for update`: the caller may lack an
-- update policy on tenants, and the lock does not block unrelated writers of the tenant row.)
-- Rows of the same statement processed earlier are visible to the count too, so
-- `update memberships set role = 'member'` over all admins fails at the last one.
--
-- SECURITY DEFINER so the count sees every membership of the tenant whatever the caller may
-- read (a role with members:write but without members:read would otherwise see only itself and
-- be refused wrongly). It runs as tenantd_owner (policy memberships.select_as_owner), reads only
-- the tenant of the row being changed and returns nothing but its verdict. search_path pinned.
create or replace function tenantd.tg_memberships__keep_admin() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  -- a tenant being purged loses every membership, its last admin included (tenantd.purge_step)
  if tg_op = 'DELETE' and old.tenant_id is not distinct from tenantd.purge_tenant_id() then
    return old;
  end if;
  if old.role <> 'tenant_admin' or old.disabled then
    return case tg_op when 'DELETE' then old else new end;
  end if;
  if tg_op = 'UPDATE' and new.role = 'tenant_admin' and not new.disabled
     and new.tenant_id = old.tenant_id then
    return new;
  end if;

  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('tenantd.admins:' || old.tenant_id::text, 0));

  if not exists (select 1
                   from tenantd.memberships m
                  where m.tenant_id = old.tenant_id
                    and m.id <> old.id
                    and m.role = 'tenant_admin'
                    and not m.disabled) then
    raise exception using errcode = 'TDC09',
      message = 'a tenant must keep at least one active tenant_admin';
  end if;
  return case tg_op when 'DELETE' then old else new end;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_memberships__keep_admin() from public;

create or replace trigger tg_memberships__keep_admin before update or delete on tenantd.memberships
  for each row execute function tenantd.tg_memberships__keep_admin();
