-- api.complete_onboarding_step(ctx, key, auto_activate): POST
-- /v1/onboarding/steps/{key}/complete. Marks the step completed (tenantd.complete_onboarding_step:
-- idempotent, the audit row, and with auto_activate, the service's ONBOARDING_AUTO_ACTIVATE
-- setting, the tenant's activation once every required step is done) and answers
-- {"step": step, "progress_percent": int, "completed": bool, "tenant_activated": bool}.
-- The route needs tenant:write (tenantd.enter; the procedure checks again for direct callers).
create or replace function api.complete_onboarding_step(ctx jsonb, p_key text, p_auto_activate boolean)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_step record;
  v_progress record;
begin
  perform tenantd.enter(ctx);
  select * into v_step from tenantd.complete_onboarding_step(p_key, p_auto_activate);
  select * into v_progress from tenantd.onboarding_progress();
  return tenantd.reply(200, json_build_object(
    'step', tenantd.onboarding_step_json(v_step.key, v_step.title, v_step.step_position, v_step.required,
                                         v_step.completed_at),
    'progress_percent', v_progress.progress_percent,
    'completed', v_progress.completed,
    'tenant_activated', v_step.tenant_activated));
end
$$;

revoke all on function api.complete_onboarding_step(jsonb, text, boolean) from public;
grant execute on function api.complete_onboarding_step(jsonb, text, boolean) to tenantd_app;
