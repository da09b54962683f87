-- tenantd.enter_checked(ctx): everything tenantd.enter does but the super admin's audit row:
-- resolves the tenant the request named, checks the principal against the database, sets the
-- transaction-local context and refuses, with a coded error, whatever the request may not do.
-- Returns the tenant id (NULL when the request acts in no tenant). Called by tenantd.enter only
-- (see there why the audit row is written outside this function).
--
-- ctx is built by the dispatcher (src/http/dispatcher.cpp) from the verified token and the
-- route table; every value in it is canonical or refused here:
--   refs            tenant references in resolution order (token claim, path, header, host):
--                   uuids, slugs, or a custom domain's hostname (from the Host)
--   user_id, role, subject   the token's user id (its sub when a uuid), role claim and sub;
--                   all three absent on public routes
--   request_id, route, client   the request's id, "METHOD /pattern" and client address, on every
--                   route, public ones included: audit rows and logs carry them
--   allow_inactive  the route manages suspended or deleted tenants (else 403 tenant_suspended)
--   rate_limit      true: also read the tenant's rate limit for tenantd.current_rate_limit()
--   permission      the permission the route table says the route needs (else 403 forbidden)
--   api_key         instead of user_id/role/subject: the SHA-256 (hex) of a presented API key
--                   (Authorization: Bearer tdk_…). The key's tenant is the first reference; the
--                   principal has no user (app.user_id empty), app.role 'api_key', app.subject
--                   'api_key:<id>', and app.permissions the key's permissions that its creator
--                   still holds (tenantd.api_key_permissions). Unknown, revoked or expired
--                   keys, and keys whose creator is no longer an enabled member: TDU03.
--   external_subject, external_tenant   an identity provider's token as it issued it
--                   (JWT_SUBJECT_KIND=external): its sub (user_…) and organization id (org_…),
--                   resolved here to the identity and tenant the provider's webhooks linked
--                   (users.external_id, tenants.external_id). The organization's tenant is the
--                   first reference; an unlinked subject is TDU01, an unlinked organization TDN05.
--                   The membership is then checked as for any user.
-- A NULL ctx keeps the context the transaction already has: a DBA in psql who entered a
-- context once can call several api.* functions in one transaction.
--
-- It also sets app.user_email (the checked identity's address, for the invitee's own-invitation
-- policy) and app.permissions (tenantd.context_permissions of the effective role).
--
-- The principal is checked, not trusted (a token outlives its holder's removal, demotion or
-- disabling; a signing key is not an operator registry):
--   role super_admin  the subject must be in tenantd.platform_admins (TDU02
--                     operator_not_registered); the effective role is super_admin
--   any other user    the user must exist and not be disabled and, in a tenant, the membership
--                     must exist and not be disabled (TDU01 membership_revoked). The effective
--                     role is the membership's; the token's claim can only narrow it (a role of
--                     the tenant whose permissions the membership role all has)
-- Errors: TDN05 tenant_not_found (a reference names no tenant; checked before a disagreement),
-- TDF06 tenant_mismatch (references disagree), TDU01, TDU02, TDU03 invalid_api_key, TDF04 tenant_suspended, TD403
-- forbidden, TDB07 invalid_context (a malformed ctx). On any error the transaction aborts, so
-- nothing of the context survives: fail closed.
--
-- SECURITY DEFINER because resolving a slug and checking a membership reads tenants, users,
-- memberships and platform_admins before any context exists, when the policies hide every row.
-- It returns only the id of the tenant the request named. search_path is pinned (pg_temp last)
-- and every name is schema-qualified. The settings are set with is_local = true: they end with
-- the statement's transaction, so a pooled connection (or a PgBouncer server connection)
-- carries nothing into the next request.
create or replace function tenantd.enter_checked(ctx jsonb) returns uuid
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_user_text text := coalesce(ctx ->> 'user_id', '');
  v_user uuid := tenantd.parse_uuid(v_user_text);
  v_claim text := coalesce(ctx ->> 'role', '');
  v_subject text := coalesce(ctx ->> 'subject', '');
  v_request_id text := coalesce(ctx ->> 'request_id', '');
  v_route text := coalesce(ctx ->> 'route', '');
  v_client text := coalesce(ctx ->> 'client', '');
  v_permission text := ctx ->> 'permission';
  v_refs jsonb := coalesce(nullif(ctx -> 'refs', 'null'::jsonb), '[]'::jsonb);
  v_ref text;
  v_i int;
  v_ref_id uuid;
  v_found uuid;
  v_tenant uuid;
  v_missing boolean := false;
  v_mismatch boolean := false;
  v_role text;
  v_membership record;
  v_tenant_row tenantd.tenants%rowtype;
  v_status text;
  v_email text;
  v_claim_permissions text[];
  v_member_permissions text[];
  v_key_hash text := ctx ->> 'api_key';
  v_key_id uuid;
  v_key_tenant uuid;
  v_key_permissions text[];
  v_key_creator uuid;
  v_key_revoked timestamptz;
  v_key_expires timestamptz;
  v_key_creator_role text;
  v_ext_subject text := ctx ->> 'external_subject';
  v_ext_tenant text := ctx ->> 'external_tenant';
  v_ext_tenant_id uuid;
begin
  if ctx is null then
    return tenantd.current_tenant_id();
  end if;
  -- The dispatcher passes canonical values; anything else is refused rather than copied into
  -- the context and from there into audit rows.
  if jsonb_typeof(ctx) <> 'object' or jsonb_typeof(v_refs) <> 'array'
     or (v_user_text <> '' and v_user is null)
     or (v_claim <> '' and v_claim !~ '^[a-z][a-z0-9_]{0,62}$')
     or length(v_request_id) > 200 or length(v_route) > 2048 or length(v_client) > 100
     or length(v_subject) > 255
     -- one regex over the four (a control character in any of them is refused)
     or (v_request_id || v_route || v_client || v_subject) ~ '[[:cntrl:]]'
     or jsonb_array_length(v_refs) > 16
     -- a tenant role without a user is no principal anyone has
     or (v_user is null and v_ext_subject is null and v_claim not in ('', 'super_admin'))
     -- a provider's ids: bounded text, never beside a tenantd user id or a key
     or length(v_ext_subject) not between 1 and 255 or length(v_ext_tenant) not between 1 and 255
     or (coalesce(v_ext_subject, '') || coalesce(v_ext_tenant, '')) ~ '[[:cntrl:]]'
     or ((v_ext_subject is not null or v_ext_tenant is not null) and (v_user_text <> '' or v_key_hash is not null))
     -- a key is the whole principal: never beside a token's
     or (v_key_hash is not null
         and (v_key_hash !~ '^[0-9a-f]{64}$' or v_user_text <> '' or v_claim <> '' or v_subject <> ''))
  then
    raise exception using errcode = 'TDB07', message = 'the request context is invalid';
  end if;

  -- an API key: found by its hash (one index lookup); its tenant is the first reference, so a
  -- path, header or Host naming another tenant is a mismatch like a token's claim would be
  if v_key_hash is not null then
    select k.id, k.tenant_id, k.permissions, k.created_by, k.revoked_at, k.expires_at
      into v_key_id, v_key_tenant, v_key_permissions, v_key_creator, v_key_revoked, v_key_expires
      from tenantd.api_keys k where k.key_hash = pg_catalog.decode(v_key_hash, 'hex');
    if v_key_id is null or v_key_revoked is not null or v_key_expires <= pg_catalog.now() then
      raise exception using errcode = 'TDU03',
        message = case when v_key_id is null then 'the API key is not valid'
                       when v_key_revoked is not null then 'the API key has been revoked'
                       else 'the API key has expired' end;
    end if;
    v_refs := jsonb_build_array(v_key_tenant::text) || v_refs;
    v_subject := 'api_key:' || v_key_id::text;
  end if;

  -- an identity provider's organization: the tenant its webhooks linked is the first reference
  if v_ext_tenant is not null then
    select t.id into v_ext_tenant_id from tenantd.tenants t where t.external_id = v_ext_tenant;
    if v_ext_tenant_id is null then
      raise exception using errcode = 'TDN05', message = 'no tenant is linked to the token''s organization';
    end if;
    v_refs := jsonb_build_array(v_ext_tenant_id::text) || v_refs;
  end if;
  -- and its user: the identity its webhooks linked (operators are checked by subject below)
  if v_ext_subject is not null and v_claim <> 'super_admin' then
    select u.id into v_user from tenantd.users u where u.external_id = v_ext_subject;
    if v_user is null then
      raise exception using errcode = 'TDU01',
        message = 'the token''s user is not linked to an identity of this service';
    end if;
  end if;

  -- by index, not FOR … IN SELECT jsonb_array_elements_text(…): that is a query with a cursor
  -- of its own per request, these are plpgsql simple expressions
  for v_i in 0 .. jsonb_array_length(v_refs) - 1 loop
    v_ref := v_refs ->> v_i;
    continue when coalesce(v_ref, '') = '';
    v_found := null;
    -- slugs cannot look like uuids (tenants_slug_not_uuid), so this is unambiguous; two
    -- statements rather than one with a CASE, so that each is an index lookup
    -- parsed once, into a variable: as an expression inside the query it was evaluated per row
    -- whenever the planner chose a sequential scan (a small tenants table), a regex each time
    v_ref_id := tenantd.parse_uuid(v_ref);
    if v_ref_id is not null then
      select t.id, t.status, t.deleted_at into v_found, v_tenant_row.status, v_tenant_row.deleted_at
        from tenantd.tenants t where t.id = v_ref_id;
    elsif strpos(v_ref, '.') > 0 then
      -- a custom domain from the Host (slugs and uuids have no dot): its tenant only when the
      -- domain is verified (domains_verified_hostname_key); pending, failed, unverified or
      -- unknown hostnames name no tenant (TDN05)
      select t.id, t.status, t.deleted_at into v_found, v_tenant_row.status, v_tenant_row.deleted_at
        from tenantd.domains d join tenantd.tenants t on t.id = d.tenant_id
       where d.hostname = v_ref and d.status = 'verified';
    else
      select t.id, t.status, t.deleted_at into v_found, v_tenant_row.status, v_tenant_row.deleted_at
        from tenantd.tenants t where t.slug = v_ref;
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
  -- two problems came first
  if v_missing then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  if v_mismatch then
    raise exception using errcode = 'TDF06',
      message = 'the request names a tenant other than the token''s tenant';
  end if;

  if v_key_id is not null then
    -- the key borrows its creator's rights: the creator must still be an enabled member
    select m.role, m.disabled or m.user_disabled as disabled into v_membership
      from tenantd.memberships m
     where m.tenant_id = v_tenant and m.user_id = v_key_creator;
    if not found or v_membership.disabled then
      raise exception using errcode = 'TDU03',
        message = 'the API key''s creator is no longer an enabled member of this tenant';
    end if;
    v_key_creator_role := v_membership.role;
    v_role := 'api_key';
  elsif v_claim = 'super_admin' then
    if not tenantd.is_platform_admin(v_subject) then
      raise exception using errcode = 'TDU02',
        message = 'the token''s subject is not a registered platform operator';
    end if;
    v_role := 'super_admin';
  elsif v_user is null then
    v_role := '';  -- anonymous (public routes): nothing to check, no role
  else
    if v_tenant is null then
      select u.email into v_email from tenantd.users u where u.id = v_user and not u.disabled;
      if not found then
        raise exception using errcode = 'TDU01',
          message = 'the token''s user or its membership in this tenant no longer exists or is disabled';
      end if;
      v_role := v_claim;
    else
      -- the membership carries its identity's email and disabled flag (kept in step by
      -- triggers, migrations/0041): one row, no join into the global users table
      select m.role, m.disabled or m.user_disabled as disabled, m.email into v_membership
        from tenantd.memberships m
       where m.tenant_id = v_tenant and m.user_id = v_user;
      if not found or v_membership.disabled then
        raise exception using errcode = 'TDU01',
          message = 'the token''s user or its membership in this tenant no longer exists or is disabled';
      end if;
      v_role := v_membership.role;
      v_email := v_membership.email;
    end if;
  end if;

  -- transaction-local (is_local = true), never session-level: see the header. One expression
  -- for all of them (their results concatenated and dropped): plpgsql evaluates a single
  -- expression without a query (a "simple expression"), where `perform a, b, c` starts and
  -- ends an executor per request.
  perform pg_catalog.set_config('app.tenant_id', coalesce(v_tenant::text, ''), true)
       || pg_catalog.set_config('app.user_id', coalesce(v_user::text, ''), true)
       || pg_catalog.set_config('app.request_id', v_request_id, true)
       || pg_catalog.set_config('app.subject', v_subject, true)
       || pg_catalog.set_config('app.route', v_route, true)
       || pg_catalog.set_config('app.client', v_client, true)
       || pg_catalog.set_config('app.user_email', coalesce(v_email, ''), true);
  -- on Citus, the same again as SET LOCAL, the form it forwards to the workers where the shards'
  -- policies read them (sql/39); on one node this costs the one setting read
  if pg_catalog.current_setting('citus.propagate_set_commands', true) = 'local' then
    perform tenantd.propagate_context();
  end if;

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
  -- the role's permissions, computed once for the whole statement: policies and procedures read
  -- them through tenantd.has_permission, an inlinable expression over this setting.
  -- In the same expression, app.rate_limit: when ctx.rate_limit asks for the tenant's rate limit
  -- with this call (a principal's first request in a minute; tenantd.current_rate_limit()
  -- answers it), it is read here, with the tenant already entered and before the endpoint
  -- writes: on Citus, once a definer has written the tenant's shards, the app role may not read
  -- them in the same transaction. Always set, so a psql transaction that enters another tenant
  -- never answers the previous tenant's limit.
  perform pg_catalog.set_config('app.role', v_role, true)
       || pg_catalog.set_config('app.permissions',
                                case when v_key_id is null then tenantd.context_permissions(v_role)
                                     else tenantd.api_key_permissions(v_key_permissions, v_key_creator_role) end,
                                true)
       || pg_catalog.set_config('app.rate_limit',
                                case when v_tenant is not null and (ctx ->> 'rate_limit') = 'true'
                                     then coalesce(tenantd.effective_entitlements(v_tenant) -> 'limits'
                                                     -> 'api_requests_per_minute', 'null')::text
                                     else '' end,
                                true);
  if pg_catalog.current_setting('citus.propagate_set_commands', true) = 'local' then
    perform tenantd.propagate_context();
  end if;

  if v_tenant is not null then
    v_status := tenantd.tenant_state(v_tenant_row.status, v_tenant_row.deleted_at);
    if v_status in ('suspended', 'deleted') and not coalesce((ctx ->> 'allow_inactive')::boolean, false) then
      raise exception using errcode = 'TDF04',
        message = case v_status when 'deleted' then 'this tenant has been deleted' else 'this tenant is suspended' end;
    end if;
  end if;

  if v_permission is not null and not tenantd.has_permission(v_permission) then
    raise exception using errcode = 'TD403',
      message = format('this needs the %s permission', v_permission);
  end if;
  return v_tenant;
end
$$;

revoke all on function tenantd.enter_checked(jsonb) from public;
grant execute on function tenantd.enter_checked(jsonb) to tenantd_app;
