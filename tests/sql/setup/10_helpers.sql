-- Helpers for the pgTAP suite, installed into schema `tests` by scripts/pgtap.sh (test
-- databases only). All security invoker: the seeding helpers are called by the superuser that
-- runs the tests (which bypasses RLS); act_as and affected_rows are also called as tenantd_app.

-- Set the request context transaction-locally, as tenantd does: NULLs become '' (unset).
-- A super_admin acts as the registered operator 'tests-operator' (registered below): a bare
-- app.role = 'super_admin' is not honoured (tenantd.is_super_admin). This skips enter_context's
-- membership checks on purpose, so the policy tests can set any context (app.permissions comes
-- from tenantd.context_permissions(role), as enter_context computes it);
-- 09-enter-context.sql and 81-compromised-app-role-context.sql test those checks.
create or replace function tests.act_as(p_tenant uuid, p_user uuid, p_role text)
returns void
language plpgsql volatile
as $$
begin
  perform set_config('app.tenant_id', coalesce(p_tenant::text, ''), true);
  perform set_config('app.user_id', coalesce(p_user::text, ''), true);
  perform set_config('app.role', coalesce(p_role, ''), true);
  perform set_config('app.request_id', 'test-request', true);
  perform set_config('app.subject', case when p_role = 'super_admin' then 'tests-operator' else '' end, true);
  -- as tenantd.enter does: on Citus the settings again as SET LOCAL, which reaches the workers
  -- where the shards' policies read them; nothing on one node
  perform tenantd.propagate_context();
  -- the permissions of the role in that tenant, computed once as tenantd.enter_context does
  -- (after app.tenant_id is set: a tenant-defined role's rows are read in that tenant)
  perform set_config('app.permissions', tenantd.context_permissions(nullif(p_role, '')), true);
  -- the user's email, as enter_context sets it (the invitee policy on invitations reads it);
  -- the caller's rights decide whether the users row is visible, so the superuser seeding
  -- tests sees it and a tenantd_app session acting as someone sees its own row
  perform set_config('app.user_email',
                     coalesce((select u.email from tenantd.users u where u.id = p_user), ''), true);
  perform tenantd.propagate_context();
end
$$;

insert into tenantd.platform_admins (subject) values ('tests-operator') on conflict do nothing;

-- Rows a DML statement touched (0 when RLS filtered them all out).
create or replace function tests.affected_rows(p_sql text)
returns int
language plpgsql volatile
as $$
declare
  v_count int;
begin
  execute p_sql;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Let p_role use this session's pgTAP bookkeeping (the temp tables and sequences plan()
-- created as the superuser), so assertions can run after `set local role p_role`.
-- Call it right after plan(). Temp schema access comes with the session; only the objects
-- need grants.
create or replace function tests.share_tap_with(p_role name)
returns void
language plpgsql volatile
as $$
declare
  v_rel record;
begin
  for v_rel in
    select c.oid::regclass as rel, c.relkind
      from pg_class c
     where c.relnamespace = pg_my_temp_schema() and c.relkind in ('r', 'v', 'S')
  loop
    execute format('grant all on %s %s to %I',
                   case v_rel.relkind when 'S' then 'sequence' else 'table' end,
                   v_rel.rel, p_role);
  end loop;
end
$$;

-- A tenant inserted directly (no provisioning job), with the preseed every tenant has whatever
-- its plan (built-in roles, onboarding steps: tenantd.seed_tenant_defaults), as the insert
-- triggers gave it before provisioning took that over (issue 5).
create or replace function tests.create_tenant(
  p_slug text, p_id uuid default gen_random_uuid(), p_status text default 'active')
returns uuid
language plpgsql volatile
as $$
begin
  insert into tenantd.tenants (id, slug, name, status)
  values (p_id, p_slug, initcap(p_slug), p_status);
  perform tenantd.seed_tenant_defaults(p_id);
  return p_id;
end
$$;

create or replace function tests.create_user(p_email text, p_id uuid default gen_random_uuid())
returns uuid
language plpgsql volatile
as $$
-- plpgsql rather than SQL (here and in add_member): Citus plans no statement with parameters
-- inside a SQL function on its tables, and make test-citus runs these helpers too
declare
  v_id uuid;
begin
  insert into tenantd.users (id, email) values (p_id, p_email) returning id into v_id;
  return v_id;
end
$$;

create or replace function tests.add_member(
  p_tenant uuid, p_user uuid, p_role text, p_id uuid default gen_random_uuid())
returns uuid
language plpgsql volatile
as $$
declare
  v_email text;
  v_id uuid;
begin
  -- a taken-up membership with its own profile and (fake) credential, as a person who
  -- accepted an invitation has
  select u.email into v_email from tenantd.users u where u.id = p_user;
  if not found then
    return null;
  end if;
  insert into tenantd.memberships (tenant_id, id, user_id, role, display_name, password_hash,
                                   accepted_at)
  values (p_tenant, p_id, p_user, p_role, split_part(v_email, '@', 1),
          'hash-of-' || split_part(v_email, '@', 1), now())
  returning id into v_id;
  return v_id;
end
$$;

-- Two tenants with one row in every protected table each, fixed ids so tests can name them:
--   tenant A 'acme'   aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa   tenant B 'globex' bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
--   alice (tenant_admin of A) aaaaaaaa-0000-4000-8000-000000000001   bob (tenant_admin of B) bbbbbbbb-0000-4000-8000-000000000001
--   memberships …0002, sessions …0003, audit_log rows …0004 (same prefixes)
create or replace function tests.seed_two_tenants()
returns void
language plpgsql volatile
as $$
begin
  -- already committed: the Citus harness mode of scripts/pgtap.sh seeds once before the files
  -- (never the case on one node, where every file seeds inside its rolled-back transaction)
  if exists (select 1 from tenantd.tenants where id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa') then
    return;
  end if;
  perform tests.create_tenant('acme', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
  perform tests.create_tenant('globex', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb');
  perform tests.create_user('alice@acme.test', 'aaaaaaaa-0000-4000-8000-000000000001');
  perform tests.create_user('bob@globex.test', 'bbbbbbbb-0000-4000-8000-000000000001');
  perform tests.add_member('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
                           'aaaaaaaa-0000-4000-8000-000000000001', 'tenant_admin',
                           'aaaaaaaa-0000-4000-8000-000000000002');
  perform tests.add_member('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
                           'bbbbbbbb-0000-4000-8000-000000000001', 'tenant_admin',
                           'bbbbbbbb-0000-4000-8000-000000000002');
  insert into tenantd.sessions (tenant_id, id, user_id, refresh_token_hash, expires_at)
  values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'aaaaaaaa-0000-4000-8000-000000000003',
          'aaaaaaaa-0000-4000-8000-000000000001', '\xaa03', '2100-01-01'),
         ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'bbbbbbbb-0000-4000-8000-000000000003',
          'bbbbbbbb-0000-4000-8000-000000000001', '\xbb03', '2100-01-01');
  insert into tenantd.audit_log (tenant_id, id, action, actor_id, actor_role)
  values ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'aaaaaaaa-0000-4000-8000-000000000004',
          'seed.a', null, null),
         ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'bbbbbbbb-0000-4000-8000-000000000004',
          'seed.b', null, null);
end
$$;

-- The rows of one tenant in a table that the caller sees (RLS applies), counted in a statement
-- of its own. Written inline as an assertion's argument, `is((select count(*) from t where
-- tenant_id = X), …)`, the whole statement is a query on one shard for Citus, which sends it to
-- that worker, pgTAP assertion included, where pgTAP has no plan ("You tried to run a test
-- without a plan!"). Here only the count goes to the worker.
create or replace function tests.tenant_rows(p_table regclass, p_tenant uuid)
returns int
language plpgsql volatile
as $$
declare
  v_count int;
begin
  execute format('select count(*)::int from %s where tenant_id = $1', p_table) into v_count using p_tenant;
  return v_count;
end
$$;

-- A statement the tenant isolation must refuse (pgTAP: ok or not ok, with what was caught). On
-- one node only 42501 counts: a policy's WITH CHECK or a missing privilege. On Citus also the
-- two refusals Citus makes on the coordinator before any policy runs, both of which keep a row in
-- its tenant: an UPDATE that changes a row's distribution column (tenant_id: "modifying the
-- partition value of rows is not allowed", 0A000) and an INSERT whose tenant_id is NULL (no
-- context, so the column default gives none: "cannot perform an INSERT with NULL in the
-- partition column", 22004). Any other error, or none, fails.
create or replace function tests.refused(p_sql text, p_description text)
returns text
language plpgsql volatile
as $$
declare
  v_state text;
  v_message text;
  v_citus boolean := exists (select 1 from pg_extension where extname = 'citus');
begin
  begin
    execute p_sql;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
  end;
  if v_state = '42501'
     or (v_citus and v_state = '0A000' and v_message = 'modifying the partition value of rows is not allowed')
     or (v_citus and v_state = '22004' and v_message = 'cannot perform an INSERT with NULL in the partition column') then
    return ok(true, p_description);
  end if;
  return ok(false, p_description) || E'\n' ||
         diag(coalesce(format('caught %s: %s', v_state, v_message), 'no error') || ', wanted 42501');
end
$$;

-- Test databases only: nothing here for PUBLIC; the login roles may set a context and count
-- affected rows, which is what they do in tests after `set local role`.
revoke all on all functions in schema tests from public;
grant usage on schema tests to tenantd_app, tenantd_readonly;
grant execute on function tests.act_as(uuid, uuid, text), tests.affected_rows(text),
                           tests.refused(text, text), tests.tenant_rows(regclass, uuid)
  to tenantd_app, tenantd_readonly;
