-- tenantd.tg_domains__event: a 'domain.status' event (operators only) when a custom domain is
-- claimed or its verification state changes (pending, verified, failed, expired, unverified).
-- Hostname, status and attempts; never the verification token.
-- SECURITY DEFINER: the verification job and the tenant's admins change domains, and only the
-- owner writes events; a trigger function no role can call directly.
create or replace function tenantd.tg_domains__event()
returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  -- On Citus, domains is a reference table and the trigger fires on its shard placements
  -- (domains_1020…) on every node, where the coordinator's events table does not exist: the change
  -- itself must not fail there, so no event is recorded on Citus yet (docs/scale-out.md).
  if tg_table_name <> 'domains' then
    return null;
  end if;
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.attempts is not distinct from old.attempts then
    return null;
  end if;
  perform tenantd.record_event(new.tenant_id, 'domain.status', jsonb_build_object(
    'id', new.id, 'tenant_id', new.tenant_id, 'hostname', new.hostname, 'status', new.status,
    'attempts', new.attempts, 'verified_at', tenantd.rfc3339(new.verified_at)));
  return null;
end
$$;

revoke all on function tenantd.tg_domains__event() from public;

create or replace trigger tg_domains__event after insert or update on tenantd.domains
  for each row execute function tenantd.tg_domains__event();
