-- tenantd.invitation_json(…): an invitation as every /v1/invitations answer shows it, in this
-- field order (the integration tests pin the shape). status is the one a client sees (a pending
-- invitation past its expiry is 'expired'); the token hash is never part of it.
create or replace function tenantd.invitation_json(
  p_id uuid, p_email text, p_role text, p_status text, p_expires_at timestamptz,
  p_created_at timestamptz, p_invited_by uuid, p_accepted_at timestamptz, p_accepted_by uuid,
  p_revoked_at timestamptz
) returns json
language sql immutable parallel safe
as $$
  select json_build_object('id', p_id, 'email', p_email, 'role', p_role, 'status', p_status,
                           'expires_at', tenantd.rfc3339(p_expires_at),
                           'created_at', tenantd.rfc3339(p_created_at), 'invited_by', p_invited_by,
                           'accepted_at', tenantd.rfc3339(p_accepted_at), 'accepted_by', p_accepted_by,
                           'revoked_at', tenantd.rfc3339(p_revoked_at))
$$;

revoke all on function tenantd.invitation_json(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                               timestamptz, uuid, timestamptz) from public;
grant execute on function tenantd.invitation_json(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                  timestamptz, uuid, timestamptz) to tenantd_app, tenantd_readonly;
