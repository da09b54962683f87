-- tenantd.invitation_json(…): an invitation as every /v1/invitations answer shows it, in this
-- field order (the integration tests pin the shape). row_to_json writes compact JSON, as the
-- service's own writer did (json_build_object would put spaces around every colon). status is the one a client sees (a pending
-- invitation past its expiry is 'expired'); the token hash is never part of it.
create or replace function tenantd.invitation_json(
  p_id uuid, p_email text, p_role text, p_status text, p_expires_at timestamptz,
  p_created_at timestamptz, p_invited_by uuid, p_accepted_at timestamptz, p_accepted_by uuid,
  p_revoked_at timestamptz
) returns json
language sql stable parallel safe
as $$
  select row_to_json(x)
    from (select p_id as id, p_email as email, p_role as role, p_status as status,
                 tenantd.rfc3339(p_expires_at) as expires_at, tenantd.rfc3339(p_created_at) as created_at,
                 p_invited_by as invited_by, tenantd.rfc3339(p_accepted_at) as accepted_at,
                 p_accepted_by as accepted_by, tenantd.rfc3339(p_revoked_at) as revoked_at) x
$$;

revoke all on function tenantd.invitation_json(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                               timestamptz, uuid, timestamptz) from public;
grant execute on function tenantd.invitation_json(uuid, text, text, text, timestamptz, timestamptz, uuid,
                                                  timestamptz, uuid, timestamptz) to tenantd_app, tenantd_readonly;
