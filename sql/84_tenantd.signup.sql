-- tenantd.signup(organization_name, slug, plan, admin_email, admin_password_hash, external_id
--            [, invitation_nonce, invitation_token_hash]):
-- the one short transaction behind POST /v1/signup and the identity-provider webhook
-- organization.created (issue 5 §2). Creates the tenant as pending, records what provisioning
-- needs (tenant_signups: admin email, password hash or invitation nonce + token hash), writes a
-- 'tenant.created' audit row and enqueues the tenant's 'tenant.provision' job (dedupe key
-- 'provision:<tenant id>'), all in the caller's transaction. Returns (tenant_id, status,
-- created). No roles, configuration, users or memberships are created here: that is the
-- provisioning job's single transaction (tenantd.provision_tenant).
--
-- Slug: an explicit slug must pass tenantd.slug_problem (TD422) and be free (TD409 slug_taken:
-- nothing is created). Without one it is tenantd.slugify(name), name-2, … as
-- tenantd.insert_tenant derives it.
-- Races (issue 5 §7): the unique constraint tenants_slug_key decides between two sign-ups for
-- one slug — the second insert waits for the first transaction and then fails (TD409, or the
-- next suffix for a derived slug); the unique constraint tenants_external_id_key decides
-- between two sign-ups for one external organization — the loser returns the winner's tenant
-- with created = false and creates nothing. Neither depends on timing or on the look-ups.
--
-- Errors: TD422 empty/long name, unknown plan, bad slug, bad email, password hash and
-- invitation both or neither given with an email; TD409 slug_taken.
--
-- SECURITY DEFINER because the caller is nobody: a public request or a webhook job, with no
-- tenant context and no principal, must create a tenant (tenants.insert_as_super_admin), its
-- tenant_signups row (no grants to the app at all) and a job (no grants either). It acts as
-- the platform in the new tenant (tenantd.enter_system_context) and restores the caller's
-- context. search_path pinned, names schema-qualified.
create or replace function tenantd.signup(
  p_organization_name text,
  p_slug text,
  p_plan text,
  p_admin_email text,
  p_admin_password_hash text,
  p_external_id text,
  p_invitation_nonce bytea default null,
  p_invitation_token_hash bytea default null
) returns table (tenant_id uuid, status text, created boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_name text := btrim(coalesce(p_organization_name, ''));
  v_email text := nullif(btrim(coalesce(p_admin_email, '')), '');
  v_row tenantd.tenants%rowtype;
  v_problem text;
  v_constraint text;
  v_saved text[];
  v_existing uuid;
begin
  if v_name = '' or length(v_name) > 200 then
    raise exception using errcode = 'TD422', message = 'organization_name must be 1 to 200 characters';
  end if;
  if p_plan is null or not exists (select 1 from tenantd.plans p where p.id = p_plan) then
    raise exception using errcode = 'TDV08',
      message = format('unknown plan %s', coalesce(quote_literal(p_plan), 'null'));
  end if;
  if v_email is not null and (length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$') then
    raise exception using errcode = 'TDV03', message = 'admin_email is not an email address';
  end if;
  if v_email is not null and (p_admin_password_hash is null) = (p_invitation_token_hash is null) then
    raise exception using errcode = 'TD422',
      message = 'an admin needs either a password hash or an invitation, not both';
  end if;
  if (p_invitation_nonce is null) <> (p_invitation_token_hash is null)
     or length(p_invitation_nonce) <> 32 or length(p_invitation_token_hash) <> 32 then
    raise exception using errcode = 'TD422', message = 'malformed invitation nonce or hash';
  end if;
  if p_external_id is not null and (p_external_id = '' or length(p_external_id) > 255) then
    raise exception using errcode = 'TD422', message = 'external_id must be 1 to 255 characters';
  end if;
  if p_slug is not null then
    v_problem := tenantd.slug_problem(p_slug);
    if v_problem is not null then
      raise exception using errcode = 'TDV05', message = '' || v_problem;
    end if;
  end if;

  v_saved := tenantd.enter_system_context(null);

  -- fast path for a known organization; the unique constraint below is what decides
  if p_external_id is not null then
    select t.id into v_existing from tenantd.tenants t where t.external_id = p_external_id;
    if found then
      perform tenantd.leave_system_context(v_saved);
      return query select t.id, tenantd.tenant_state(t.status, t.deleted_at), false
                     from tenantd.tenants t where t.id = v_existing;
      return;
    end if;
  end if;

  begin
    v_row := tenantd.insert_tenant(v_name, p_slug, p_plan, null, null, p_external_id, 'queued');
  exception when unique_violation then
    get stacked diagnostics v_constraint = constraint_name;
    -- on Citus the constraint is named after the shard (tenants_external_id_key_102012), or not
    -- at all when the worker raised it: then the organization's tenant, now committed, says it
    if coalesce(v_constraint, '') !~ '^tenants_external_id_key(_[0-9]+)?$'
       and not exists (select 1 from tenantd.tenants t where t.external_id = p_external_id) then
      raise;
    end if;
    -- lost the race for this organization: the winner's tenant is the answer
    perform tenantd.leave_system_context(v_saved);
    return query select t.id, tenantd.tenant_state(t.status, t.deleted_at), false
                   from tenantd.tenants t where t.external_id = p_external_id;
    return;
  end;

  perform pg_catalog.set_config('app.tenant_id', v_row.id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  if v_email is not null then
    insert into tenantd.tenant_signups (tenant_id, admin_email, admin_password_hash,
                                        invitation_nonce, invitation_token_hash)
    values (v_row.id, v_email, p_admin_password_hash, p_invitation_nonce, p_invitation_token_hash);
  end if;
  perform tenantd.tenant_audit(v_row.id, 'tenant.created',
    jsonb_build_object('slug', v_row.slug, 'name', v_row.name, 'plan', v_row.plan,
                       'slug_derived', p_slug is null, 'source', 'signup',
                       'external_id', p_external_id,
                       'admin', case when v_email is null then 'none'
                                     when p_admin_password_hash is not null then 'password'
                                     else 'invitation' end));
  perform tenantd.enqueue_provisioning(v_row.id);
  perform tenantd.leave_system_context(v_saved);
  return query select v_row.id, v_row.status, true;
end
$$;

revoke all on function tenantd.signup(text, text, text, text, text, text, bytea, bytea) from public;
grant execute on function tenantd.signup(text, text, text, text, text, text, bytea, bytea) to tenantd_app;
