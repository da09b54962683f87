-- tenantd.api_key_json(…): an API key as every /v1/api-keys answer shows it, never with its
-- hash (the key itself is added once, by the create and rotate answers). Columns rather than the
-- row: the app role has no grant on key_hash, so it cannot read a whole row. status: revoked,
-- expired (past expires_at, which a rotation shortens to the end of its grace period) or active.
-- STABLE single-expression SQL, so it is inlined (see docs/architecture.md).
create or replace function tenantd.api_key_json(
  p_id uuid, p_name text, p_prefix text, p_permissions text[], p_created_by uuid,
  p_created_at timestamptz, p_expires_at timestamptz, p_last_used_at timestamptz,
  p_revoked_at timestamptz, p_replaced_by uuid
) returns json
language sql stable parallel safe
as $$
  select json_build_object(
    'id', p_id,
    'name', p_name,
    'prefix', p_prefix,
    'permissions', p_permissions,
    'status', case when p_revoked_at is not null then 'revoked'
                   when p_expires_at <= pg_catalog.now() then 'expired'
                   else 'active' end,
    'created_by', p_created_by,
    'created_at', tenantd.rfc3339(p_created_at),
    'expires_at', tenantd.rfc3339(p_expires_at),
    'last_used_at', tenantd.rfc3339(p_last_used_at),
    'revoked_at', tenantd.rfc3339(p_revoked_at),
    'replaced_by', p_replaced_by)
$$;

revoke all on function tenantd.api_key_json(uuid, text, text, text[], uuid, timestamptz, timestamptz,
                                            timestamptz, timestamptz, uuid) from public;
grant execute on function tenantd.api_key_json(uuid, text, text, text[], uuid, timestamptz, timestamptz,
                                               timestamptz, timestamptz, uuid) to tenantd_app, tenantd_readonly;
