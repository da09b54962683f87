-- tenantd.list_invitations(status, after_created_at, after_id, limit): the current tenant's
-- invitations, newest first, keyset-paginated on (created_at, id). status filters on the
-- state a client sees: pending (and not yet expired), expired (pending past expires_at),
-- accepted, revoked; NULL lists all. The token hash is never returned.
--
-- Errors: TD400 no tenant context; TD403 caller lacks invitations:write (the select policy
-- would only hide the rows; an explicit refusal is clearer to an API client); TD422 an unknown
-- status word.
-- Security invoker: the rows come through the caller's policies.
create or replace function tenantd.list_invitations(
  p_status text,
  p_after_created_at timestamptz,
  p_after_id uuid,
  p_limit int
) returns table (id uuid, email text, role text, status text, expires_at timestamptz,
                 created_at timestamptz, invited_by uuid, accepted_at timestamptz,
                 accepted_by uuid, revoked_at timestamptz)
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  if tenantd.current_tenant_id() is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if not tenantd.has_permission('invitations:write') then
    raise exception using errcode = 'TD403',
      message = 'listing invitations needs the invitations:write permission';
  end if;
  if p_status is not null and p_status not in ('pending', 'expired', 'accepted', 'revoked') then
    raise exception using errcode = 'TD422',
      message = 'status must be one of pending, expired, accepted, revoked';
  end if;

  return query
  select i.id, i.email, i.role,
         case when i.status = 'pending' and i.expires_at <= now() then 'expired' else i.status end,
         i.expires_at, i.created_at, i.invited_by, i.accepted_at, i.accepted_by, i.revoked_at
    from tenantd.invitations i
   where i.tenant_id = tenantd.current_tenant_id()
     and i.tenant_id = v_tenant
     and (p_after_id is null or (i.created_at, i.id) < (p_after_created_at, p_after_id))
     and case p_status
           when 'pending' then i.status = 'pending' and i.expires_at > now()
           when 'expired' then i.status = 'pending' and i.expires_at <= now()
           when 'accepted' then i.status = 'accepted'
           when 'revoked' then i.status = 'revoked'
           else true
         end
   order by i.created_at desc, i.id desc
   limit greatest(coalesce(p_limit, 50), 0);
end
$$;

revoke all on function tenantd.list_invitations(text, timestamptz, uuid, int) from public;
grant execute on function tenantd.list_invitations(text, timestamptz, uuid, int) to tenantd_app;
