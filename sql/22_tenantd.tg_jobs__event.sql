-- tenantd.tg_jobs__event: a 'job.state' event (operators only) when a job is queued, taken,
-- finished, retried or given up. The tenant is the payload's tenant_id when it has one. No
-- payload and no last_error in the event: operators read those through GET /v1/admin/jobs.
-- SECURITY DEFINER: queue changes run in the queue's definer functions, and only the owner
-- writes events; the function is a trigger, so no role can call it directly.
create or replace function tenantd.tg_jobs__event()
returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
begin
  if tg_op = 'UPDATE' and new.state is not distinct from old.state
     and new.attempts is not distinct from old.attempts then
    return null;
  end if;
  -- A purge's own jobs are platform events (no tenant): attached to the tenant being purged,
  -- every step would add rows to the events the purge must delete, and it would never finish.
  if new.kind <> 'tenant.purge' and new.payload ->> 'tenant_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then
    v_tenant := (new.payload ->> 'tenant_id')::uuid;
  end if;
  perform tenantd.record_event(v_tenant, 'job.state', jsonb_build_object(
    'id', new.id, 'kind', new.kind, 'state', new.state, 'attempts', new.attempts,
    'max_attempts', new.max_attempts, 'tenant_id', v_tenant, 'run_at', tenantd.rfc3339(new.run_at)));
  return null;
end
$$;

revoke all on function tenantd.tg_jobs__event() from public;

create or replace trigger tg_jobs__event after insert or update on tenantd.jobs
  for each row execute function tenantd.tg_jobs__event();
