-- api.get_onboarding(ctx): GET /v1/onboarding, the current tenant's onboarding steps in order
-- and its progress: {"steps": [step…], "progress_percent": int, "completed": bool}. Every
-- member reads them.
-- Security invoker: the onboarding_steps policies show this tenant's steps only.
create or replace function api.get_onboarding(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_steps json[];
  v_progress record;
  v_tenant uuid;
begin
  v_tenant := tenantd.enter(ctx);
  v_steps := array(select tenantd.onboarding_step_json(s.key, s.title, s.position, s.required, s.completed_at)
                     from tenantd.onboarding_steps s
                    where s.tenant_id = v_tenant
                    order by s.position, s.key);
  select * into v_progress from tenantd.onboarding_progress();
  return tenantd.reply(200, json_build_object('steps', coalesce(array_to_json(v_steps), '[]'::json),
                                              'progress_percent', v_progress.progress_percent,
                                              'completed', v_progress.completed));
end
$$;

revoke all on function api.get_onboarding(jsonb) from public;
grant execute on function api.get_onboarding(jsonb) to tenantd_app;
