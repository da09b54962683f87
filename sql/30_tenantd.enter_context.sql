-- tenantd.enter_context(refs, user_id, role, request_id, route, subject): the first statement of
-- every request transaction. Resolves the tenant references the request carried, checks the
-- principal against the database and sets the transaction-local context (app.tenant_id,
-- app.user_id, app.role, app.request_id, app.subject, and from the checked rows app.user_email
-- and app.permissions: the effective role's permissions, tenantd.context_permissions).
--
-- p_refs: the references in the order the HTTP layer found them (token claim, path, header,
-- host); each is a uuid (matched against tenants.id) or a slug; NULL and '' elements are ignored.
-- p_user_id, p_role, p_subject: the verified token's user id (its `sub` when that is a uuid), role
-- claim and `sub`. All three empty: an anonymous context (public routes).
-- Soft-deleted tenants resolve too, with the status 'deleted' (tenantd.tenant_state): the
-- caller decides, in this same round trip, what a suspended or deleted tenant may still do
-- (db::TenantTx answers 403 tenant_suspended except on the few routes that manage such
-- tenants).
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
-- SECURITY DEFINER because resolving a slug and checking the membership means reading tenants,
-- users, memberships and platform_admins the caller cannot see yet: before the context is set,
-- the policies hide every row. It runs as tenantd_owner, which FORCE RLS still binds; the
-- select_as_owner policies let it read those tables. It returns only the id and status of the
-- tenant the request named and the caller's effective role, nothing else. search_path is
-- pinned (pg_temp last) and every name is schema-qualified.
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
  v_user uuid := tenantd.parse_uuid(p_user_id);
  v_claim text := coalesce(p_role, '');
  v_ref text;
  v_found uuid;
  v_tenant uuid;
  v_status text;
  v_missing boolean := false;
  v_mismatch boolean := false;
  v_role text;
  v_membership record;
  v_claim_permissions text[];
  v_member_permissions text[];
  v_email text;
begin
  -- The C++ layer passes canonical values; anything else is a bug there, refused rather than
  -- copied into the context and from there into audit rows.
  if (coalesce(p_user_id, '') <> '' and v_user is null)
     or (v_claim <> '' and v_claim !~ '^[a-z][a-z0-9_]{0,62}$')
     or length(coalesce(p_request_id, '')) > 200
     or coalesce(p_request_id, '') ~ '[[:cntrl:]]'
     or length(coalesce(p_route, '')) > 2048
     or length(coalesce(p_subject, '')) > 255
     or coalesce(p_subject, '') ~ '[[:cntrl:]]'
     or coalesce(cardinality(p_refs), 0) > 16
     -- a tenant role without a user is no principal anyone has
     or (v_user is null and v_claim not in ('', 'super_admin'))
  then
    return query select null::uuid, null::text, 'invalid_context'::text, null::text;
    return;
  end if;

  foreach v_ref in array coalesce(p_refs, '{}'::text[]) loop
    continue when coalesce(v_ref, '') = '';
    v_found := null;
    if tenantd.parse_uuid(v_ref) is not null then
      select t.id into v_found
        from tenantd.tenants t
       where t.id = tenantd.parse_uuid(v_ref);
    else
      -- slugs cannot look like uuids (tenants_slug_not_uuid), so this is unambiguous
      select t.id into v_found
        from tenantd.tenants t
       where t.slug = v_ref;
    end if;

    if v_found is null then
      v_missing := true;
    elsif v_tenant is null then
      v_tenant := v_found;
    elsif v_tenant <> v_found then
      v_mismatch := true;
    end if;
  end loop;

  -- every reference is looked at before deciding, so the answer does not depend on which of
  -- two problems came first; an unknown reference wins over a disagreement
  if v_missing then
    return query select null::uuid, null::text, 'tenant_not_found'::text, null::text;
    return;
  end if;
  if v_mismatch then
    return query select null::uuid, null::text, 'tenant_mismatch'::text, null::text;
    return;
  end if;

  -- the principal, checked against the database (see the header)
  if v_claim = 'super_admin' then
    if not tenantd.is_platform_admin(p_subject) then
      return query select null::uuid, null::text, 'operator_not_registered'::text, null::text;
      return;
    end if;
    v_role := 'super_admin';
  elsif v_user is null then
    v_role := '';  -- anonymous (public routes): nothing to check, no role
  else
    select u.email into v_email from tenantd.users u where u.id = v_user and not u.disabled;
    if not found then
      return query select null::uuid, null::text, 'membership_revoked'::text, null::text;
      return;
    end if;
    if v_tenant is null then
      v_role := v_claim;
    else
      select m.role, m.disabled into v_membership
        from tenantd.memberships m
       where m.tenant_id = v_tenant and m.user_id = v_user;
      if not found or v_membership.disabled then
        return query select null::uuid, null::text, 'membership_revoked'::text, null::text;
        return;
      end if;
      v_role := v_membership.role;
    end if;
  end if;

  -- transaction-local (is_local = true), never session-level: see the header
  perform pg_catalog.set_config('app.tenant_id', coalesce(v_tenant::text, ''), true);
  perform pg_catalog.set_config('app.user_id', coalesce(v_user::text, ''), true);
  perform pg_catalog.set_config('app.request_id', coalesce(p_request_id, ''), true);
  perform pg_catalog.set_config('app.subject', coalesce(p_subject, ''), true);
  perform pg_catalog.set_config('app.user_email', coalesce(v_email, ''), true);

  -- A claim other than the membership role narrows it when it is a role of this tenant whose
  -- permissions the membership role all has. Read after app.tenant_id is set: the roles
  -- policies show this tenant's roles only.
  if v_tenant is not null and v_role <> 'super_admin' and v_claim <> '' and v_claim <> v_role then
    v_claim_permissions := tenantd.permissions_of_role(v_claim);
    v_member_permissions := tenantd.permissions_of_role(v_role);
    if v_claim_permissions is not null and v_member_permissions is not null
       and v_claim_permissions <@ v_member_permissions then
      v_role := v_claim;
    end if;
  end if;
  perform pg_catalog.set_config('app.role', v_role, true);
  -- the role's permissions, computed once here for the whole transaction: the policies and
  -- tenantd.has_permission read this list and never look the role up again
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions(v_role), true);

  if v_tenant is not null then
    select tenantd.tenant_state(t.status, t.deleted_at) into v_status
      from tenantd.tenants t where t.id = v_tenant;

    if v_role = 'super_admin' then
      -- actor_id, actor_role and request_id come from the context just set (column defaults)
      insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
      values (v_tenant, 'super_admin.access', 'tenant', v_tenant::text,
              jsonb_build_object('route', p_route));
    end if;
  end if;

  return query select v_tenant, v_status, null::text, v_role;
end
$$;

revoke all on function tenantd.enter_context(text[], text, text, text, text, text) from public;
grant execute on function tenantd.enter_context(text[], text, text, text, text, text) to tenantd_app;
