-- tenantd.create_member(email, role, display_name, password_hash, max_tenants): add a person to the
-- current tenant, creating their global identity when the email is new. Returns the user and
-- the new membership's role, display name and created_at. Writes a 'member.created' audit row
-- in the same transaction.
--
-- Errors (SQLSTATE → HTTP in the C++ error table):
--   TD400 no tenant context
--   TD403 caller lacks members:write, or the role holds permissions the caller lacks
--   TD404 tenant gone
--   TD409 already a member; 'too_many_tenants: …' when the user already belongs to
--         p_max_tenants live tenants (MAX_TENANTS_PER_USER, default 5; NULL = no limit)
--   TD422 bad email, or a role the tenant does not have
--   TDF07 quota_exceeded / TDS01 quota_unavailable: the plan's members (active memberships)
--         and members_per_month (tenantd.consume_quota)
--
-- Identity model (docs/identity.md): the global identity is found or created by email and
-- nothing else about it is read, copied or returned. display_name and password_hash are this
-- membership's profile and credential: they never touch the identity or another tenant, so a
-- tenant admin cannot rename a person elsewhere or choose the password that opens another
-- tenant. The answer has the same shape whether the email was new or not (no user_created):
-- the caller cannot learn whether the person exists in other tenants.
-- MAX_TENANTS_PER_USER counts only memberships the person took up (accepted_at: an accepted
-- invitation or a login). The membership created here is not accepted, so additions by third
-- parties cannot use up a person's limit; only the person's own acceptances can.
--
-- SECURITY DEFINER because an email may already belong to a user who is a member of other
-- tenants only: the caller's policies hide that user and their other memberships (needed for
-- the per-user tenant limit), and inserting a user is a super-admin action. It runs as
-- tenantd_owner (policies users.select_as_owner/insert_as_owner, memberships.select_as_owner
-- and insert_as_owner for the credential column the app role may not write); the role lookup
-- and the audit row still go through the own-tenant policies, with the caller's context.
-- search_path pinned, names schema-qualified.

-- Earlier versions had a parameter default or returned user_created; CREATE OR REPLACE can
-- change neither, so such versions are dropped first.
do $$
begin
  if exists (select 1 from pg_catalog.pg_proc
              where oid = to_regprocedure('tenantd.create_member(text, text, text, text, int)')
                and (pronargdefaults > 0 or 'user_created' = any (proargnames))) then
    drop function tenantd.create_member(text, text, text, text, int);
  end if;
  if exists (select 1 from pg_catalog.pg_proc
              where oid = to_regprocedure('tenantd.create_member(text, text, text, text)')
                and 'user_created' = any (proargnames)) then
    drop function tenantd.create_member(text, text, text, text);
  end if;
end
$$;

create or replace function tenantd.create_member(
  p_email text,
  p_role text,
  p_display_name text,
  p_password_hash text,
  p_max_tenants int
) returns table (user_id uuid, email text, display_name text, role text,
                 created_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_email text := lower(p_email);
  v_user tenantd.users%rowtype;
  v_membership tenantd.memberships%rowtype;
  v_count int;
begin
  perform tenantd.require_permission('members:write', 'adding members');
  perform tenantd.check_email(p_email);
  if not exists (select 1 from tenantd.tenants t where t.id = v_tenant and t.deleted_at is null) then
    raise exception using errcode = 'TD404', message = 'tenant not found';
  end if;
  perform tenantd.check_grantable_role(p_role);

  -- find-or-create, race-safe: a concurrent insert of the same email makes ours do nothing,
  -- and the select that follows (new snapshot under read committed) sees the winner's row.
  -- Only the email goes into the identity. An existing identity is found without a write: on
  -- Citus users is a reference table, and even an insert that does nothing writes every node's
  -- copy and keeps them from other roles until the transaction ends (docs/scale-out.md, item 1).
  select u.* into v_user from tenantd.users u where lower(u.email) = v_email;
  if not found then
    insert into tenantd.users as u (email)
    values (p_email)
    on conflict ((lower(email))) do nothing
    returning u.* into v_user;
  end if;
  if v_user.id is null then
    select u.* into v_user from tenantd.users u where lower(u.email) = v_email;
    if not found then
      raise exception using errcode = 'TD409',
        message = 'the user was changed concurrently, retry';
    end if;
  end if;

  -- MAX_TENANTS_PER_USER: two tenants adding the same person at once would each count the
  -- other's membership as absent, so additions for one user are serialised by a
  -- transaction-level advisory lock on the user (namespace 'tenantd.user_memberships'); the
  -- count after it is a new statement and sees what the other committed.
  if p_max_tenants is not null then
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended('tenantd.user_memberships:' || v_user.id::text, 0));
    select count(*) into v_count
      from tenantd.memberships m
      join tenantd.tenants t on t.id = m.tenant_id and t.deleted_at is null
     where m.user_id = v_user.id and m.tenant_id <> v_tenant and m.accepted_at is not null;
    if v_count >= p_max_tenants
       and not exists (select 1 from tenantd.memberships m
                        where m.tenant_id = v_tenant and m.user_id = v_user.id) then
      raise exception using errcode = 'TDC14',
        message = format('a user may belong to at most %s tenants', p_max_tenants);
    end if;
  end if;

  -- the plan's quotas (TDF07 quota_exceeded, TDS01 quota_unavailable), admitted in this
  -- transaction: an existing member is refused below and the admission rolls back with it
  perform tenantd.consume_quota('members'), tenantd.consume_quota('members_per_month');

  insert into tenantd.memberships as m (tenant_id, user_id, role, display_name, password_hash,
                                       source)
  values (v_tenant, v_user.id, p_role, p_display_name, p_password_hash, 'direct')
  on conflict (tenant_id, user_id) do nothing
  returning m.* into v_membership;
  if not found then
    raise exception using errcode = 'TD409',
      message = 'this user is already a member of the tenant';
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'member.created', 'user', v_user.id::text,
          jsonb_build_object('email', v_user.email, 'role', p_role));

  return query select v_user.id, v_user.email, v_membership.display_name, v_membership.role,
                      v_membership.created_at;
end
$$;

revoke all on function tenantd.create_member(text, text, text, text, int) from public;
grant execute on function tenantd.create_member(text, text, text, text, int) to tenantd_app;

-- The four-argument form (before the limit was a parameter): the default limit of 5
-- (MAX_TENANTS_PER_USER's default). A wrapper rather than a parameter default, because a default
-- would make four-argument calls ambiguous between the two. Security invoker: it only calls the
-- function above, which checks everything.
create or replace function tenantd.create_member(
  p_email text,
  p_role text,
  p_display_name text,
  p_password_hash text
) returns table (user_id uuid, email text, display_name text, role text,
                 created_at timestamptz)
language sql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$ select * from tenantd.create_member(p_email, p_role, p_display_name, p_password_hash, 5) $$;

revoke all on function tenantd.create_member(text, text, text, text) from public;
grant execute on function tenantd.create_member(text, text, text, text) to tenantd_app;
