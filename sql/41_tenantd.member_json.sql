-- tenantd.member_json(user_id, email, display_name, role, created_at, disabled): the API's
-- member object. Columns rather than whole rows: the app role may not read every column of a
-- membership (password_hash), and a whole-row reference would need them all.
-- disabled: the membership is disabled in this tenant or the identity everywhere; display_name
-- is the membership's (the name this tenant knows the person by).
create or replace function tenantd.member_json(
  p_user_id uuid, p_email text, p_display_name text, p_role text, p_created_at timestamptz, p_disabled boolean
) returns json
language sql stable parallel safe
as $$
  select json_build_object('id', p_user_id, 'email', p_email, 'display_name', p_display_name,
                           'role', p_role, 'created_at', tenantd.rfc3339(p_created_at), 'disabled', p_disabled)
$$;

revoke all on function tenantd.member_json(uuid, text, text, text, timestamptz, boolean) from public;
grant execute on function tenantd.member_json(uuid, text, text, text, timestamptz, boolean)
  to tenantd_app, tenantd_readonly;
