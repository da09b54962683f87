-- tenantd.tg_tenants__event: a 'tenant.status' event whenever a tenant's lifecycle state or
-- provisioning progress changes (sign-up, provisioning phases and attempts, activation,
-- suspension, deletion). The event's data is exactly the public status answer
-- (tenantd.tenant_status_json without a key: never the invitation token), so the public stream
-- and GET /v1/tenant-status/{id} cannot disagree about what a stranger may see.
-- SECURITY DEFINER: the writer may be a tenant admin, an operator or the provisioning job, and
-- only the owner may write events (policies/events.sql).
create or replace function tenantd.tg_tenants__event()
returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  -- On Citus, tenants is a reference table and the trigger fires on its shard placements
  -- (tenants_1020…) on every node, where the coordinator's events table does not exist: the change
  -- itself must not fail there, so no event is recorded on Citus yet (docs/scale-out.md).
  if tg_table_name <> 'tenants' then
    return null;
  end if;
  if tg_op = 'INSERT'
     or new.status is distinct from old.status
     or new.deleted_at is distinct from old.deleted_at
     or new.provisioning_status is distinct from old.provisioning_status
     or new.provisioning_attempts is distinct from old.provisioning_attempts
     or new.provisioning_error is distinct from old.provisioning_error then
    perform tenantd.record_event(new.id, 'tenant.status', tenantd.tenant_status_json(new.id, null)::jsonb);
  end if;
  return null;
end
$$;

revoke all on function tenantd.tg_tenants__event() from public;

create or replace trigger tg_tenants__event after insert or update on tenantd.tenants
  for each row execute function tenantd.tg_tenants__event();
