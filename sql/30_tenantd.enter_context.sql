-- tenantd.enter_context(refs, user_id, role, request_id, route): the first statement of every
-- request transaction. Resolves the tenant references the request carried and sets the
-- transaction-local context (app.tenant_id, app.user_id, app.role, app.request_id).
--
-- p_refs: the references in the order the HTTP layer found them (token claim, path, header,
-- host); each is a uuid (matched against tenants.id) or a slug; NULL and '' elements are ignored.
-- Soft-deleted tenants resolve too, with the status 'deleted' (tenantd.tenant_state): the
-- caller decides, in this same round trip, what a suspended or deleted tenant may still do
-- (db::TenantTx answers 403 tenant_suspended except on the few routes that manage such
-- tenants). Exactly one row comes back:
--   (id, status, null)                 context set; id and status are null when no refs were given
--   (null, null, 'tenant_not_found')   some reference resolves to no tenant at all; nothing set
--   (null, null, 'tenant_mismatch')    references name different tenants; nothing set
--   (null, null, 'invalid_context')    p_user_id/p_role/p_request_id malformed; nothing set
-- A super_admin entering a tenant writes a 'super_admin.access' audit row in the same
-- transaction (DESIGN §4).
--
-- SECURITY DEFINER because resolving a slug means reading tenants the caller cannot see yet:
-- before the context is set, the tenants policies hide every row. It runs as tenantd_owner,
-- which FORCE RLS still binds; the tenants policy select_as_owner lets it read tenants. It
-- returns only the id and status of the tenant the request named, nothing else. search_path is
-- pinned (pg_temp last) and every name is schema-qualified.
--
-- The settings are set with is_local = true: they end with the transaction, so a pooled
-- connection carries nothing into the next request (tests/sql/09-enter-context.sql checks both).
create or replace function tenantd.enter_context(
  p_refs text[],
  p_user_id text,
  p_role text,
  p_request_id text,
  p_route text
) returns table (tenant_id uuid, tenant_status text, problem text)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_user uuid := tenantd.parse_uuid(p_user_id);
  v_ref text;
  v_found uuid;
  v_tenant uuid;
  v_status text;
  v_missing boolean := false;
  v_mismatch boolean := false;
begin
  -- The C++ layer passes canonical values; anything else is a bug there, refused rather than
  -- copied into the context and from there into audit rows.
  if (coalesce(p_user_id, '') <> '' and v_user is null)
     or (coalesce(p_role, '') <> '' and p_role !~ '^[a-z][a-z0-9_]{0,62}$')
     or length(coalesce(p_request_id, '')) > 200
     or coalesce(p_request_id, '') ~ '[[:cntrl:]]'
     or length(coalesce(p_route, '')) > 2048
     or coalesce(cardinality(p_refs), 0) > 16
  then
    return query select null::uuid, null::text, 'invalid_context'::text;
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
    return query select null::uuid, null::text, 'tenant_not_found'::text;
    return;
  end if;
  if v_mismatch then
    return query select null::uuid, null::text, 'tenant_mismatch'::text;
    return;
  end if;

  -- transaction-local (is_local = true), never session-level: see the header
  perform pg_catalog.set_config('app.tenant_id', coalesce(v_tenant::text, ''), true);
  perform pg_catalog.set_config('app.user_id', coalesce(v_user::text, ''), true);
  perform pg_catalog.set_config('app.role', coalesce(p_role, ''), true);
  perform pg_catalog.set_config('app.request_id', coalesce(p_request_id, ''), true);

  if v_tenant is not null then
    select tenantd.tenant_state(t.status, t.deleted_at) into v_status
      from tenantd.tenants t where t.id = v_tenant;

    if p_role = 'super_admin' then
      -- actor_id, actor_role and request_id come from the context just set (column defaults)
      insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
      values (v_tenant, 'super_admin.access', 'tenant', v_tenant::text,
              jsonb_build_object('route', p_route));
    end if;
  end if;

  return query select v_tenant, v_status, null::text;
end
$$;

revoke all on function tenantd.enter_context(text[], text, text, text, text) from public;
grant execute on function tenantd.enter_context(text[], text, text, text, text) to tenantd_app;
