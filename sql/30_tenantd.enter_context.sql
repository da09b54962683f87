-- tenantd.enter_context(refs, user_id, role, request_id, route, subject): the request context
-- for a psql session (and the pgTAP suites), in the shape of a row rather than an error: it
-- calls tenantd.enter, which every endpoint function calls, so the two cannot disagree.
-- Resolves the tenant references, checks the principal against the database and sets the
-- transaction-local context (app.tenant_id,
-- app.user_id, app.role, app.request_id, app.subject, and from the checked rows app.user_email
-- and app.permissions: the effective role's permissions, tenantd.context_permissions).
--
-- p_refs: the references in the order the HTTP layer found them (token claim, path, header,
-- host); each is a uuid (matched against tenants.id) or a slug; NULL and '' elements are ignored.
-- p_user_id, p_role, p_subject: the verified token's user id (its `sub` when that is a uuid), role
-- claim and `sub`. All three empty: an anonymous context (public routes).
-- Suspended and soft-deleted tenants resolve too, with their status (tenantd.tenant_state): the
-- caller decides what such a tenant may still do (tenantd.enter is called with allow_inactive).
--
-- The context is checked, not trusted (a token stays valid after its holder was removed,
-- demoted or disabled; a signing key is not an operator registry):
--   * role super_admin: the subject must be in tenantd.platform_admins, else
--     operator_not_registered. Nothing else is looked up; the effective role is super_admin.
--   * any other principal: the user must exist and not be disabled; when a tenant is resolved,
--     the membership (tenant, user) must exist and not be disabled; else membership_revoked.
--     The effective role is the membership's current role. The token's role claim can only
--     narrow it: the claim is used when it names a role of the tenant whose permissions are a
--     subset of the membership role's, otherwise the membership role is used. Without a tenant
--     there is no membership; the claim is kept (it grants nothing without a tenant).
-- Exactly one row comes back:
--   (id, status, null, role)           context set; id and status are null when no refs were given
--   (null, null, 'tenant_not_found', null)         some reference resolves to no tenant at all
--   (null, null, 'tenant_mismatch', null)          references name different tenants
--   (null, null, 'operator_not_registered', null)  super_admin claim from an unregistered subject
--   (null, null, 'membership_revoked', null)       user or membership missing or disabled
--   (null, null, 'invalid_context', null)          malformed arguments
-- On any problem nothing is set (the context stays as it was: fail closed).
-- A super_admin entering a tenant writes a 'super_admin.access' audit row in the same
-- transaction (DESIGN §4).
--
-- SECURITY DEFINER only to read the resolved tenant's status, which a soft-deleted tenant's
-- policies hide; tenantd.enter does the rest. It returns only the id and status of the tenant the
-- request named and the caller's effective role. search_path is pinned (pg_temp last).
--
-- The settings are set with is_local = true: they end with the transaction, so a pooled
-- connection carries nothing into the next request (tests/sql/09-enter-context.sql checks both).
create or replace function tenantd.enter_context(
  p_refs text[],
  p_user_id text,
  p_role text,
  p_request_id text,
  p_route text,
  p_subject text default null
) returns table (tenant_id uuid, tenant_status text, problem text, effective_role text)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid;
  v_state text;
begin
  begin
    v_tenant := tenantd.enter(jsonb_strip_nulls(jsonb_build_object(
      'refs', coalesce(to_jsonb(array(select r from unnest(p_refs) r where coalesce(r, '') <> '')), '[]'::jsonb),
      'user_id', nullif(p_user_id, ''), 'role', nullif(p_role, ''), 'subject', p_subject,
      'request_id', p_request_id, 'route', p_route, 'allow_inactive', true)));
  exception when sqlstate 'TDN05' or sqlstate 'TDF06' or sqlstate 'TDU01' or sqlstate 'TDU02'
                 or sqlstate 'TDB07' then
    get stacked diagnostics v_state = returned_sqlstate;
    -- the subtransaction rolled back whatever enter had set: the context is as it was
    return query select null::uuid, null::text,
      case v_state when 'TDN05' then 'tenant_not_found' when 'TDF06' then 'tenant_mismatch'
                   when 'TDU01' then 'membership_revoked' when 'TDU02' then 'operator_not_registered'
                   else 'invalid_context' end,
      null::text;
    return;
  end;
  -- On Citus the SET LOCAL commands that enter issued inside the block above stay on the
  -- coordinator: Citus forgets what it recorded to forward when a subtransaction ends, even
  -- one that commits, so the workers would evaluate the shards' policies with no tenant (a
  -- psql session or a pgTAP file acting through this function saw none of its tenant's rows).
  -- The context again, outside the block; nothing on one node.
  perform tenantd.propagate_context();
  return query
    select v_tenant,
           (select tenantd.tenant_state(t.status, t.deleted_at) from tenantd.tenants t where t.id = v_tenant),
           null::text,
           pg_catalog.current_setting('app.role');
end
$$;

revoke all on function tenantd.enter_context(text[], text, text, text, text, text) from public;
grant execute on function tenantd.enter_context(text[], text, text, text, text, text) to tenantd_app;
