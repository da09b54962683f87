-- tenantd.role_json(id, name, description, built_in, permissions, created_at, updated_at): the
-- API's role object. Columns rather than a whole row, like tenantd.member_json: the function
-- stays independent of columns the API does not show. permissions is the sorted list
-- (tenantd.permissions_of_role), an empty array when NULL.
create or replace function tenantd.role_json(
  p_id uuid, p_name text, p_description text, p_built_in boolean, p_permissions text[],
  p_created_at timestamptz, p_updated_at timestamptz
) returns json
language sql stable parallel safe
as $$
  select json_build_object('id', p_id, 'name', p_name, 'description', p_description,
                           'built_in', p_built_in, 'permissions', to_json(coalesce(p_permissions, '{}'::text[])),
                           'created_at', tenantd.rfc3339(p_created_at),
                           'updated_at', tenantd.rfc3339(p_updated_at))
$$;

revoke all on function tenantd.role_json(uuid, text, text, boolean, text[], timestamptz, timestamptz) from public;
grant execute on function tenantd.role_json(uuid, text, text, boolean, text[], timestamptz, timestamptz)
  to tenantd_app, tenantd_readonly;
