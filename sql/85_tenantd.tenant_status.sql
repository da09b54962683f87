-- tenantd.tenant_status(tenant): what GET /v1/tenant-status/{id} (public) and GET /v1/tenant-status
-- (the caller's tenant) show: the lifecycle state, the provisioning phase (queued, running,
-- retrying, failed, completed), an error code when provisioning failed (the "code" of a
-- "code: text" error, else 'provisioning_failed' — never the error text, which may name
-- internals), the attempt count and timestamps, and whether an admin invitation token is
-- waiting to be shown. Nothing else: no name, no slug, no plan, no members.
-- Errors: TD404 tenant_not_found (unknown id).
-- SECURITY DEFINER because the public caller has no context and the policies of tenants and
-- tenant_signups show it no row; it reads as the platform in that tenant
-- (tenantd.enter_system_context, hence volatile) and restores the caller's context. The answer
-- is limited to the columns above by construction.
create or replace function tenantd.tenant_status(p_tenant uuid)
returns table (tenant_id uuid, status text, provisioning_status text, error_code text, attempts integer,
               created_at timestamptz, provisioning_started_at timestamptz,
               provisioning_completed_at timestamptz, activated_at timestamptz,
               invitation_pending boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_saved text[] := tenantd.enter_system_context(p_tenant);
begin
  return query
  select t.id, tenantd.tenant_state(t.status, t.deleted_at), t.provisioning_status,
         case when t.provisioning_error is null then null
              else coalesce(substring(t.provisioning_error from '^(?:ERROR:\s+)?([a-z][a-z0-9_]{2,62}): '), 'provisioning_failed') end,
         t.provisioning_attempts, t.created_at, t.provisioning_started_at, t.provisioning_completed_at,
         t.activated_at,
         coalesce((select s.invitation_token_hash is not null and s.invitation_revealed_at is null
                     from tenantd.tenant_signups s where s.tenant_id = p_tenant), false)
               and t.status = 'active' and t.deleted_at is null
    from tenantd.tenants t
   where t.id = p_tenant;
  if not found then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  perform tenantd.leave_system_context(v_saved);
end
$$;

revoke all on function tenantd.tenant_status(uuid) from public;
grant execute on function tenantd.tenant_status(uuid) to tenantd_app;
