-- tenantd.invitation_json_with(…, token, shown_once): a new invitation as creating answers it:
-- the fields of tenantd.invitation_json (nothing accepted or revoked yet) and then "token";
-- with shown_once (the copy kept for an Idempotency-Key replay) the token is null and
-- "token_shown_once": true says why.
create or replace function tenantd.invitation_json_with(
  p_id uuid, p_email text, p_role text, p_status text, p_expires_at timestamptz,
  p_created_at timestamptz, p_invited_by uuid, p_token text, p_shown_once boolean
) returns json
language sql stable parallel safe
as $$
  select case when p_shown_once
    then (select row_to_json(x)
            from (select p_id as id, p_email as email, p_role as role, p_status as status,
                         tenantd.rfc3339(p_expires_at) as expires_at, tenantd.rfc3339(p_created_at) as created_at,
                         p_invited_by as invited_by, null::text as accepted_at, null::uuid as accepted_by,
                         null::text as revoked_at, null::text as token, true as token_shown_once) x)
    else (select row_to_json(x)
            from (select p_id as id, p_email as email, p_role as role, p_status as status,
                         tenantd.rfc3339(p_expires_at) as expires_at, tenantd.rfc3339(p_created_at) as created_at,
                         p_invited_by as invited_by, null::text as accepted_at, null::uuid as accepted_by,
                         null::text as revoked_at, p_token as token) x)
  end
$$;

revoke all on function tenantd.invitation_json_with(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                    text, boolean) from public;
grant execute on function tenantd.invitation_json_with(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                       text, boolean) to tenantd_app;
