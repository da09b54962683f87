-- api.revoke_invitation(id): withdraw an invitation of the current tenant so its token can no
-- longer be accepted. Revoking a revoked invitation changes nothing and answers it again
-- (idempotent, no second audit row); a pending invitation past its expiry may still be revoked
-- (it then lists as revoked). Writes an 'invitation.revoked' audit row.
--
-- Errors: TD400 no tenant context; TD403 caller lacks invitations:write; TD404
-- 'invitation_not_found: …' no such invitation in this tenant; TD409 'invitation_accepted: …'
-- an accepted invitation cannot be revoked (remove the member instead).
-- Security invoker: through the caller's own-tenant policies.
create or replace function api.revoke_invitation(p_id uuid)
returns table (id uuid, email text, role text, status text, expires_at timestamptz,
               created_at timestamptz, invited_by uuid, accepted_at timestamptz,
               accepted_by uuid, revoked_at timestamptz)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_status text;
begin
  perform tenantd.require_permission('invitations:write', 'revoking invitations');

  select i.status into v_status
    from tenantd.invitations i
   where i.tenant_id = v_tenant and i.id = p_id
     for update;
  if not found then
    raise exception using errcode = 'TDN02',
      message = 'no such invitation in this tenant';
  end if;
  if v_status = 'accepted' then
    raise exception using errcode = 'TDC08',
      message = 'an accepted invitation cannot be revoked; remove the member instead';
  end if;
  if v_status = 'pending' then
    update tenantd.invitations i
       set status = 'revoked', revoked_at = now(), revoked_by = tenantd.current_user_id()
     where i.tenant_id = v_tenant and i.id = p_id;
    insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
    values (v_tenant, 'invitation.revoked', 'invitation', p_id::text, '{}'::jsonb);
  end if;

  return query
  select i.id, i.email, i.role, i.status, i.expires_at, i.created_at, i.invited_by,
         i.accepted_at, i.accepted_by, i.revoked_at
    from tenantd.invitations i
   where i.tenant_id = v_tenant and i.id = p_id;
end
$$;

revoke all on function api.revoke_invitation(uuid) from public;
grant execute on function api.revoke_invitation(uuid) to tenantd_app;
