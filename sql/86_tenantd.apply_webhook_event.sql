-- tenantd.apply_webhook_event(event_id, attempt): applies one recorded identity-provider event
-- (Clerk's payloads) and marks it completed, inside the 'webhook.process' job's transaction, so
-- the effect, "event completed" and "job completed" commit together or not at all. Returns a
-- short note of what was done (for the job log). An event already completed, or swept, is a
-- no-op.
--
--   organization.created   tenantd.signup(name, slug if valid, plan 'free' or public_metadata.plan,
--                          no admin, external_id = data.id): one tenant per organization
--   organization.updated   the tenant's name
--   organization.deleted   the tenant is soft-deleted (tenantd.transition_tenant)
--   user.created/.updated  the global user with external_id = data.id: created, linked to an
--                          existing identity with the same email, or its email updated — only
--                          from the primary address and only when the provider marks it
--                          verified (an event without one is ignored); the provider's name goes
--                          to the memberships the provider created, never to other tenants'
--   user.deleted           the link (external_id) and the memberships the provider created
--                          (memberships.source = 'webhook') are removed; the identity and its
--                          other memberships are untouched
--   organizationMembership.created/.updated/.deleted
--                          the membership of that user in that tenant; role org:admin →
--                          tenant_admin, anything else → member
--
-- Out-of-order delivery: an update or membership event about an organization or user not known
-- yet raises TD404 (unknown_organization / unknown_user), and a membership in a tenant not
-- provisioned yet (no roles) TD409 tenant_not_ready, so the job retries with backoff until the
-- creating event (or the provisioning job) has been applied. An organization.created processed after that
-- organization's deletion creates nothing.
--
-- Races: every event about one organization (organization.* and organizationMembership.*) takes
-- the transaction-level advisory lock 'tenantd.external_org:<org id>', and every user event
-- 'tenantd.external_user:<user id>', so two workers never apply events of one organization or
-- user at the same time; the unique constraints on tenants.external_id and users.external_id
-- (and tenantd.signup returning the existing tenant) remain the final guard: never two tenants for
-- one organization, never two identities for one external user.
--
-- SECURITY DEFINER: job handlers connect as tenantd_app without any context, and the work
-- crosses tenants and global identities (webhook_events has no app grants at all). It runs as
-- tenantd_owner, which FORCE RLS still binds, and sets a transaction-local super_admin context
-- (app.role = super_admin; app.tenant_id = the affected tenant while it writes memberships and
-- audit rows; app.request_id = 'webhook:<event id>', which the audit rows record), so the
-- ordinary super-admin policies and triggers apply; the previous context is restored before
-- returning. search_path pinned, names schema-qualified.
create or replace function tenantd.apply_webhook_event(p_event_id text, p_attempt integer default 1)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_event tenantd.webhook_events%rowtype;
  v_data jsonb;
  v_prev_tenant text := coalesce(pg_catalog.current_setting('app.tenant_id', true), '');
  v_prev_user text := coalesce(pg_catalog.current_setting('app.user_id', true), '');
  v_prev_role text := coalesce(pg_catalog.current_setting('app.role', true), '');
  v_prev_request text := coalesce(pg_catalog.current_setting('app.request_id', true), '');
  v_prev_permissions text := coalesce(pg_catalog.current_setting('app.permissions', true), '');
  v_prev_email text := coalesce(pg_catalog.current_setting('app.user_email', true), '');
  v_tenant tenantd.tenants%rowtype;
  v_user tenantd.users%rowtype;
  v_org text;
  v_ext_user text;
  v_name text;
  v_slug text;
  v_plan text;
  v_email text;
  v_display text;
  v_role text;
  v_membership uuid;
  v_inserted boolean;
  v_tenant_id uuid;
  v_count int;
  v_signup record;
  v_result text;
begin
  select e.* into v_event from tenantd.webhook_events e where e.id = p_event_id for update;
  if not found then
    return 'event no longer recorded';
  end if;
  if v_event.status = 'completed' then
    return 'event already completed';
  end if;
  v_data := v_event.payload -> 'data';
  if v_data is null or jsonb_typeof(v_data) <> 'object' then
    raise exception using errcode = 'TDB04', message = 'the event has no "data" object';
  end if;

  perform pg_catalog.set_config('app.role', 'super_admin', true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions('super_admin'), true);
  perform pg_catalog.set_config('app.user_id', '', true);
  perform pg_catalog.set_config('app.user_email', '', true);
  perform pg_catalog.set_config('app.tenant_id', '', true);
  perform pg_catalog.set_config('app.request_id', 'webhook:' || left(p_event_id, 180), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  if v_event.type like 'organization.%' or v_event.type like 'organizationMembership.%' then
    v_org := case when v_event.type like 'organization.%' then v_data ->> 'id'
                  else v_data -> 'organization' ->> 'id' end;
    if coalesce(v_org, '') = '' or length(v_org) > 255 then
      raise exception using errcode = 'TDB04', message = 'the event names no organization id';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd.external_org:' || v_org, 0));
    select t.* into v_tenant from tenantd.tenants t where t.external_id = v_org;
  end if;

  if v_event.type = 'organization.created' then
    if exists (select 1
                 from tenantd.webhook_events e
                where e.type = 'organization.deleted' and e.status = 'completed'
                  and (e.payload -> 'data' ->> 'id') = v_org) then
      v_result := 'organization already deleted: no tenant created';
    elsif v_tenant.id is not null then
      v_result := 'tenant exists: ' || v_tenant.id;
    else
      v_name := left(coalesce(nullif(btrim(v_data ->> 'name'), ''), v_org), 200);
      v_slug := v_data ->> 'slug';
      if v_slug is null or tenantd.slug_problem(v_slug) is not null then
        v_slug := null;
      end if;
      v_plan := coalesce(v_data -> 'public_metadata' ->> 'plan', 'free');
      if not exists (select 1 from tenantd.plans p where p.id = v_plan) then
        v_plan := 'free';
      end if;
      begin
        select s.* into v_signup from tenantd.signup(v_name, v_slug, v_plan, null, null, v_org) s;
      exception when sqlstate 'TDC12' then
        -- slug_taken: the organization's slug belongs to another tenant; let sign-up derive
        -- one from the name
        if v_slug is null then
          raise;
        end if;
        select s.* into v_signup from tenantd.signup(v_name, null, v_plan, null, null, v_org) s;
      end;
      v_result := case when v_signup.created then 'tenant created: ' else 'tenant exists: ' end
                  || v_signup.tenant_id;
    end if;

  elsif v_event.type = 'organization.updated' then
    if v_tenant.id is null then
      raise exception using errcode = 'TDN06',
        message = format('no tenant for organization %s yet', v_org);
    end if;
    v_name := left(nullif(btrim(v_data ->> 'name'), ''), 200);
    if v_tenant.deleted_at is not null then
      v_result := 'tenant deleted: ignored';
    elsif v_name is null or v_name = v_tenant.name then
      v_result := 'nothing to change';
    else
      update tenantd.tenants t set name = v_name where t.id = v_tenant.id;
      perform tenantd.tenant_audit(v_tenant.id, 'tenant.updated',
        jsonb_build_object('changes', jsonb_build_object('name', jsonb_build_object('from', v_tenant.name, 'to', v_name)),
                           'source', 'webhook', 'event_id', p_event_id));
      v_result := 'tenant renamed';
    end if;

  elsif v_event.type = 'organization.deleted' then
    if v_tenant.id is null then
      v_result := 'no tenant for this organization';
    elsif v_tenant.deleted_at is not null then
      v_result := 'tenant already deleted';
    else
      perform tenantd.transition_tenant(v_tenant.id, 'deleted', 'organization deleted in the identity provider');
      v_result := 'tenant deleted';
    end if;

  elsif v_event.type in ('user.created', 'user.updated', 'user.deleted') then
    v_ext_user := v_data ->> 'id';
    if coalesce(v_ext_user, '') = '' or length(v_ext_user) > 255 then
      raise exception using errcode = 'TDB04', message = 'the event names no user id';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd.external_user:' || v_ext_user, 0));
    select u.* into v_user from tenantd.users u where u.external_id = v_ext_user;

    if v_event.type = 'user.deleted' then
      -- The provider's user is gone: what the provider created goes with it — its link and the
      -- memberships its events created — and nothing else. The identity itself stays enabled:
      -- its memberships that an invitation, a sign-up or an admin created belong to those
      -- tenants, and a provider may not switch them off.
      if v_user.id is null then
        v_result := 'no such user';
      else
        v_count := 0;
        for v_tenant_id in
          select m.tenant_id from tenantd.memberships m
           where m.user_id = v_user.id and m.source = 'webhook'
        loop
          perform pg_catalog.set_config('app.tenant_id', v_tenant_id::text, true);
          perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
          delete from tenantd.memberships m
           where m.tenant_id = v_tenant_id and m.user_id = v_user.id and m.source = 'webhook';
          insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
          values (v_tenant_id, 'member.removed', 'user', v_user.id::text,
                  jsonb_build_object('source', 'webhook', 'event_id', p_event_id));
          v_count := v_count + 1;
        end loop;
        perform pg_catalog.set_config('app.tenant_id', '', true);
        perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
        update tenantd.users u set external_id = null where u.id = v_user.id;
        v_result := format('user unlinked, %s provider memberships removed', v_count);
      end if;
    else
      -- The primary address, and only when the provider says it is verified: an unverified
      -- address proves nothing about who controls it, so it must not create or link an identity
      -- (linking would hand that identity's provider-managed memberships to whoever typed it).
      select ea ->> 'email_address' into v_email
        from jsonb_array_elements(case when jsonb_typeof(v_data -> 'email_addresses') = 'array'
                                       then v_data -> 'email_addresses' else '[]'::jsonb end) ea
       where jsonb_typeof(ea) = 'object'
         and ea ->> 'id' = v_data ->> 'primary_email_address_id'
         and ea -> 'verification' ->> 'status' = 'verified'
       limit 1;
      v_email := btrim(v_email);
      if coalesce(v_email, '') = '' then
        v_result := 'no verified primary email address: ignored';
      elsif length(v_email) > 254 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception using errcode = 'TDB04', message = 'the primary email address is not an email address';
      else
        v_display := left(coalesce(nullif(btrim(concat_ws(' ', v_data ->> 'first_name', v_data ->> 'last_name')), ''),
                                   nullif(btrim(v_data ->> 'username'), '')), 200);
        if v_user.id is not null then
          -- an identity this provider user is linked to: its email follows the provider's
          -- verified primary address; the name changes only in memberships the provider made
          if lower(v_user.email) <> lower(v_email)
             and exists (select 1 from tenantd.users u where lower(u.email) = lower(v_email)) then
            raise exception using errcode = 'TDC04',
              message = 'another identity already has this email address';
          end if;
          update tenantd.users u set email = v_email
           where u.id = v_user.id and u.email is distinct from v_email;
          if v_display is not null then
            for v_tenant_id in
              select m.tenant_id from tenantd.memberships m
               where m.user_id = v_user.id and m.source = 'webhook'
            loop
              perform pg_catalog.set_config('app.tenant_id', v_tenant_id::text, true);
              perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
              update tenantd.memberships m set display_name = v_display
               where m.tenant_id = v_tenant_id and m.user_id = v_user.id and m.source = 'webhook'
                 and m.display_name is distinct from v_display;
            end loop;
            perform pg_catalog.set_config('app.tenant_id', '', true);
            perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
          end if;
          v_result := 'user updated: ' || v_user.id;
        else
          select u.* into v_user from tenantd.users u where lower(u.email) = lower(v_email);
          if v_user.id is not null then
            if v_user.external_id is not null then
              raise exception using errcode = 'TDC04',
                message = 'another identity-provider user already has this email address';
            end if;
            -- an identity created here first (an invitation, the API) for this verified
            -- address: link it; nothing of it is changed
            update tenantd.users u set external_id = v_ext_user where u.id = v_user.id;
            v_result := 'user linked: ' || v_user.id;
          else
            insert into tenantd.users as u (email, external_id)
            values (v_email, v_ext_user)
            returning u.* into v_user;
            v_result := 'user created: ' || v_user.id;
          end if;
        end if;
      end if;
    end if;

  elsif v_event.type like 'organizationMembership.%' then
    v_ext_user := v_data -> 'public_user_data' ->> 'user_id';
    if coalesce(v_ext_user, '') = '' then
      raise exception using errcode = 'TDB04', message = 'the membership names no user id';
    end if;
    select u.* into v_user from tenantd.users u where u.external_id = v_ext_user;
    if v_tenant.id is null then
      if v_event.type = 'organizationMembership.deleted' then
        v_result := 'no tenant for this organization';
      else
        raise exception using errcode = 'TDN06',
          message = format('no tenant for organization %s yet', v_org);
      end if;
    elsif v_tenant.deleted_at is not null then
      v_result := 'tenant deleted: ignored';
    elsif v_user.id is null then
      if v_event.type = 'organizationMembership.deleted' then
        v_result := 'no such user';
      else
        raise exception using errcode = 'TDN07',
          message = format('no user for identity-provider user %s yet', v_ext_user);
      end if;
    else
      v_role := case when v_data ->> 'role' in ('org:admin', 'admin') then 'tenant_admin' else 'member' end;
      perform pg_catalog.set_config('app.tenant_id', v_tenant.id::text, true);
      perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
      -- a tenant gets its roles when provisioned (tenantd.provision_tenant): until then a
      -- membership cannot name one, and the job retries with backoff
      if v_event.type <> 'organizationMembership.deleted'
         and not exists (select 1 from tenantd.roles r where r.tenant_id = v_tenant.id and r.name = v_role) then
        raise exception using errcode = 'TDC13',
          message = format('tenant %s is %s and has no role %s yet', v_tenant.id,
                           v_tenant.status, v_role);
      end if;
      if v_event.type = 'organizationMembership.deleted' then
        delete from tenantd.memberships m
         where m.tenant_id = v_tenant.id and m.user_id = v_user.id
        returning m.id into v_membership;
        if v_membership is null then
          v_result := 'no such membership';
        else
          insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
          values (v_tenant.id, 'member.removed', 'user', v_user.id::text,
                  jsonb_build_object('source', 'webhook', 'event_id', p_event_id));
          v_result := 'membership removed';
        end if;
      else
        -- a membership the provider manages: it counts as taken up (the provider's user joined
        -- the organization there) and its profile is the provider's name for the person
        insert into tenantd.memberships as m (tenant_id, user_id, role, display_name, accepted_at, source)
        values (v_tenant.id, v_user.id, v_role,
                left(nullif(btrim(concat_ws(' ', v_data -> 'public_user_data' ->> 'first_name',
                                            v_data -> 'public_user_data' ->> 'last_name')), ''), 200),
                now(), 'webhook')
        on conflict (tenant_id, user_id) do update set role = excluded.role
          where m.role is distinct from excluded.role
        returning m.id, (xmax = 0) into v_membership, v_inserted;
        if v_membership is null then
          v_result := 'membership unchanged';
        else
          insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
          values (v_tenant.id, case when v_inserted then 'member.created' else 'member.updated' end, 'user',
                  v_user.id::text,
                  jsonb_build_object('role', v_role, 'source', 'webhook', 'event_id', p_event_id));
          v_result := case when v_inserted then 'membership created' else 'membership updated' end;
        end if;
      end if;
    end if;

  else
    -- recorded before this version knew the type (receive_webhook_event acknowledges unknown
    -- types without a job); nothing to do
    v_result := 'unknown type: ignored';
  end if;

  update tenantd.webhook_events e
     set status = 'completed', attempts = greatest(coalesce(p_attempt, 1), 1), last_error = null,
         processed_at = now()
   where e.id = p_event_id;

  perform pg_catalog.set_config('app.tenant_id', v_prev_tenant, true);
  perform pg_catalog.set_config('app.user_id', v_prev_user, true);
  perform pg_catalog.set_config('app.role', v_prev_role, true);
  perform pg_catalog.set_config('app.permissions', v_prev_permissions, true);
  perform pg_catalog.set_config('app.user_email', v_prev_email, true);
  perform pg_catalog.set_config('app.request_id', v_prev_request, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return v_result;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.apply_webhook_event(text, integer) from public, tenantd_app;
grant execute on function tenantd.apply_webhook_event(text, integer) to tenantd_worker;
