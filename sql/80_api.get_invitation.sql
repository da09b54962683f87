-- api.get_invitation(ctx, id): GET /v1/invitations/{id}, one invitation of the current tenant.
-- The route needs invitations:write (tenantd.enter), so a caller without it gets 403 whatever
-- the id. TDN02 invitation_not_found when row-level security shows no such invitation (absent
-- or another tenant's: the same answer, so it tells nothing).
create or replace function api.get_invitation(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
  v_tenant uuid;
begin
  v_tenant := tenantd.enter(ctx);
  select tenantd.invitation_json(i.id, i.email, i.role,
                                 case when i.status = 'pending' and i.expires_at <= now() then 'expired'
                                      else i.status end,
                                 i.expires_at, i.created_at, i.invited_by, i.accepted_at, i.accepted_by,
                                 i.revoked_at)
    into v_body
    from tenantd.invitations i
   where i.id = p_id
     and i.tenant_id = v_tenant;
  if v_body is null then
    raise exception using errcode = 'TDN02', message = 'no such invitation in this tenant';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.get_invitation(jsonb, uuid) from public;
grant execute on function api.get_invitation(jsonb, uuid) to tenantd_app;
