-- tenantd.onboarding_step_json(key, title, position, required, completed_at): the API's
-- onboarding step object.
create or replace function tenantd.onboarding_step_json(
  p_key text, p_title text, p_position int, p_required boolean, p_completed_at timestamptz
) returns json
language sql stable parallel safe
as $$
  select json_build_object('key', p_key, 'title', p_title, 'position', p_position,
                           'required', p_required, 'completed_at', tenantd.rfc3339(p_completed_at))
$$;

revoke all on function tenantd.onboarding_step_json(text, text, int, boolean, timestamptz) from public;
grant execute on function tenantd.onboarding_step_json(text, text, int, boolean, timestamptz)
  to tenantd_app, tenantd_readonly;
