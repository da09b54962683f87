-- tenantd.complete_onboarding_step(key, auto_activate): mark one onboarding step of the current
-- tenant completed by the acting user. Idempotent: completing a completed step changes nothing
-- and keeps the first completed_at/completed_by. A newly completed step writes an
-- 'onboarding.step_completed' audit row. With p_auto_activate (the service passes its
-- ONBOARDING_AUTO_ACTIVATE setting) the tenant becomes active in the same transaction once every
-- required step is done (tenantd.activate_after_onboarding: pending/provisioning only).
-- Returns the step and whether the tenant was activated now.
-- Errors: TD400 no tenant context; TD403 the caller lacks tenant:write;
--         TD404 onboarding_step_not_found.
-- Security invoker: the step update goes through the caller's policies (tenant:write); only the
-- tenant activation needs definer rights, in its own small function.
create or replace function tenantd.complete_onboarding_step(p_key text, p_auto_activate boolean)
returns table (key text, title text, step_position int, required boolean, completed_at timestamptz,
               completed_by uuid, newly_completed boolean, tenant_activated boolean)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_step tenantd.onboarding_steps%rowtype;
  v_new boolean := false;
  v_activated boolean := false;
begin
  perform tenantd.require_permission('tenant:write', 'completing onboarding steps');

  -- One completion at a time per tenant: when the last two required steps are completed at the
  -- same moment, the second waits here and then sees the first (read committed takes a new
  -- snapshot per statement), so exactly one of them activates the tenant. Locked in id order so
  -- that concurrent callers cannot deadlock.
  perform 1 from tenantd.onboarding_steps s where s.tenant_id = v_tenant order by s.id for update;

  update tenantd.onboarding_steps s
     set completed_at = now(), completed_by = tenantd.current_user_id()
   where s.tenant_id = v_tenant and s.key = p_key and s.completed_at is null
  returning s.* into v_step;
  if found then
    v_new := true;
    insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
    values (v_tenant, 'onboarding.step_completed', 'onboarding_step', p_key,
            jsonb_build_object('title', v_step.title, 'required', v_step.required));
  else
    select s.* into v_step from tenantd.onboarding_steps s
     where s.tenant_id = v_tenant and s.key = p_key;
    if not found then
      raise exception using errcode = 'TDN03',
        message = 'this tenant has no onboarding step with this key';
    end if;
  end if;

  if coalesce(p_auto_activate, false) then
    v_activated := tenantd.activate_after_onboarding();
  end if;

  return query select v_step.key, v_step.title, v_step.position, v_step.required,
                      v_step.completed_at, v_step.completed_by, v_new, v_activated;
end
$$;

revoke all on function tenantd.complete_onboarding_step(text, boolean) from public;
grant execute on function tenantd.complete_onboarding_step(text, boolean) to tenantd_app;
