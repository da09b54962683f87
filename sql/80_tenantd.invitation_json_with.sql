-- tenantd.invitation_json_with(…, token, shown_once): a new invitation as creating answers it:
-- the fields of tenantd.invitation_json (nothing accepted or revoked yet) and then "token";
-- with shown_once (the copy kept for an Idempotency-Key replay) the token is null and
-- "token_shown_once": true says why.
create or replace function tenantd.invitation_json_with(
  p_id uuid, p_email text, p_role text, p_status text, p_expires_at timestamptz,
  p_created_at timestamptz, p_invited_by uuid, p_token text, p_shown_once boolean
) returns json
language sql immutable parallel safe
as $$
  select case when p_shown_once
    then json_build_object('id', p_id, 'email', p_email, 'role', p_role, 'status', p_status,
                           'expires_at', tenantd.rfc3339(p_expires_at),
                           'created_at', tenantd.rfc3339(p_created_at), 'invited_by', p_invited_by,
                           'accepted_at', null, 'accepted_by', null, 'revoked_at', null,
                           'token', null, 'token_shown_once', true)
    else json_build_object('id', p_id, 'email', p_email, 'role', p_role, 'status', p_status,
                           'expires_at', tenantd.rfc3339(p_expires_at),
                           'created_at', tenantd.rfc3339(p_created_at), 'invited_by', p_invited_by,
                           'accepted_at', null, 'accepted_by', null, 'revoked_at', null,
                           'token', p_token)
  end
$$;

revoke all on function tenantd.invitation_json_with(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                    text, boolean) from public;
grant execute on function tenantd.invitation_json_with(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                       text, boolean) to tenantd_app;
