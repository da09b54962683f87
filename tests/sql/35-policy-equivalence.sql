-- The cheaper policies deny exactly what the old ones denied.
--
-- The policies no longer compute anything per statement: permissions are computed once by the
-- context function (tenantd.context_permissions into app.permissions) and read by an inlinable
-- tenantd.has_permission; the invitee policy on invitations reads the caller's address from the
-- context (app.user_email) instead of a subquery into users; "no permission rows for a built-in
-- role" is a trigger on role_permissions instead of an EXISTS in its policies; the
-- `(select f())` wrappers are gone (they only decided when a stable function is evaluated).
--
-- The test runs one probe matrix twice over the same rows, inside one transaction:
--   new  the policies, helpers and triggers as migrated;
--   old  the reference: tenantd.has_permission as it was (plpgsql, computing the role's
--        permissions from app.role, roles and role_permissions on every call), the two policies
--        whose text changed recreated as they were (invitations.update_accept_own with its
--        subquery into users, role_permissions insert/update with their EXISTS into roles),
--        and the trigger that replaced that EXISTS disabled.
-- The matrix: three database roles (tenantd_app, tenantd_readonly, tenantd_owner, which FORCE
-- RLS binds) × contexts (none; admin, member, read_only, tenant-defined role of A; a role name
-- only B has; super admin in A and without a tenant; a forged app.role = super_admin; a
-- disabled member going through enter_context; enter_context for an admin and a tenant-defined
-- role; an invitee who is no member; admin of B; a user without a tenant) × every table with
-- row-level security × every row: can it be selected, updated (no-op), accepted (invitations),
-- deleted; plus inserts into tenant A and tenant B. Each probe runs in a subtransaction that is
-- rolled back, so the rows stay the same for every probe. Per table, the set of
-- (role, context, probe, row, outcome) must be the same in both runs.
--
-- Three deliberate differences, all refusals where the old rule allowed:
--   * tenantd.users no longer shows the members of one's tenant (the policy did that with a
--     subquery into memberships; member lists read memberships.email instead);
--   * a bare app.role = 'tenant_admin' written with set_config (no app.permissions) used to
--     grant that role's permissions and now grants none (31-has-permission.sql);
--   * the owner (definer code, DBAs in psql as a member of tenantd_owner) with a bare
--     app.role = 'super_admin' used to hold every permission through is_super_admin's owner
--     test; now it holds what app.permissions says. Every definer procedure that acts as the
--     platform (enter_system_context, activate_after_onboarding, apply_webhook_event) sets
--     app.permissions with the role. That slice of the matrix is checked to differ only by
--     refusals.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-000000000011
\set dave aaaaaaaa-0000-4000-8000-000000000012
\set erin aaaaaaaa-0000-4000-8000-000000000013
\set frank aaaaaaaa-0000-4000-8000-000000000014
\set gina aaaaaaaa-0000-4000-8000-000000000015
\set auditor aaaaaaaa-0000-4000-8000-000000000031
\set bonly bbbbbbbb-0000-4000-8000-000000000031
begin;
select plan(56);
-- events other tests left behind are not this matrix's rows (their number grows with every run
-- of the integration suite); gone for this transaction only
delete from tenantd.events;
select tests.seed_two_tenants();

-- more people and rows: members of each built-in role, a tenant-defined role in each tenant, a
-- disabled member, an invitee who is no member yet, invitations, configuration of every kind,
-- login attempts, a sign-up hand-over
select tests.create_user('carol@acme.test', :'carol'), tests.create_user('dave@acme.test', :'dave'),
       tests.create_user('erin@acme.test', :'erin'), tests.create_user('frank@acme.test', :'frank'),
       tests.create_user('gina@acme.test', :'gina');
insert into tenantd.roles (tenant_id, id, name) values (:'ta', :'auditor', 'auditor'), (:'tb', :'bonly', 'b_only');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
values (:'ta', :'auditor', 'audit:read'), (:'ta', :'auditor', 'members:read'),
       (:'ta', :'auditor', 'invitations:write'), (:'ta', :'auditor', 'config:read'),
       (:'tb', :'bonly', 'members:write'), (:'tb', :'bonly', 'config:write');
select tests.add_member(:'ta', :'carol', 'member'), tests.add_member(:'ta', :'dave', 'read_only'),
       tests.add_member(:'ta', :'erin', 'auditor'), tests.add_member(:'ta', :'frank', 'member'),
       tests.add_member(:'tb', :'carol', 'b_only');
update tenantd.memberships set disabled = true where user_id = :'frank';
insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at, invited_by, status,
                                 revoked_at)
values (:'ta', 'Gina@Acme.test', 'member', decode(md5('i1') || md5('i1'), 'hex'), now() + interval '1 day', :'alice', 'pending', null),
       (:'ta', 'someone@else.test', 'member', decode(md5('i2') || md5('i2'), 'hex'), now() + interval '1 day', :'alice', 'pending', null),
       (:'ta', 'gina@acme.test', 'member', decode(md5('i3') || md5('i3'), 'hex'), now() + interval '1 day', :'alice', 'revoked', now()),
       (:'tb', 'gina@acme.test', 'member', decode(md5('i4') || md5('i4'), 'hex'), now() + interval '1 day', :'bob', 'pending', null);
insert into tenantd.tenant_configs (tenant_id, type, key, value)
select t, ty, 'probe',
       case when ty = 'integrations' then '{"sealed": "v1", "kid": "00000000-0000-4000-8000-000000000000", "ct": "probe"}'::jsonb else '{"v": 1}'::jsonb end
  from unnest(array[:'ta', :'tb']::uuid[]) as t, unnest(array['general', 'features', 'integrations']) as ty;
insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
select t, gen_random_uuid(), 'probe', repeat('A', 80) from unnest(array[:'ta', :'tb']::uuid[]) as t;
insert into tenantd.login_attempts (tenant_id, email, user_id)
values (:'ta', 'alice@acme.test', :'alice'), (:'tb', 'bob@globex.test', :'bob');
insert into tenantd.tenant_signups (tenant_id, admin_email) values (:'tb', 'bob@globex.test');
insert into tenantd.entitlement_overrides (tenant_id, limits) values (:'tb', '{"members": 3}');
insert into tenantd.quota_counters (tenant_id, metric, period, value)
values (:'ta', 'invitations_per_month', '2026-01', 2), (:'tb', 'invitations_per_month', '2026-01', 5);
insert into tenantd.usage_daily (tenant_id, metric, day, value)
values (:'ta', 'api_calls', '2026-01-01', 7), (:'tb', 'api_calls', '2026-01-01', 9);
insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at)
values (:'ta', 'evt-a', 'transactions', 3, now()), (:'tb', 'evt-b', 'transactions', 4, now());
insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at, status, verified_at)
values (:'ta', 'www.acme-eq.example', repeat('a', 43), 'acme.tenantd.test', now() + interval '1 day', 'pending', null),
       (:'tb', 'www.globex-eq.example', repeat('b', 43), 'globex.tenantd.test', now() + interval '1 day', 'verified', now());
insert into tenantd.api_keys (tenant_id, name, prefix, key_hash, permissions, created_by)
values (:'ta', 'a-key', 'tdk_aaaaaaaa', sha256('eq-a'), '{members:read}', :'alice'),
       (:'tb', 'b-key', 'tdk_bbbbbbbb', sha256('eq-b'), '{members:read}', :'bob');
insert into tenantd.allowed_origins (tenant_id, origin)
values (:'ta', 'https://app.acme-eq.example'), (:'tb', 'https://app.globex-eq.example');
insert into tenantd.retention_settings (tenant_id, data, days)
values (:'ta', 'audit_log', 60), (:'tb', 'audit_log', 80);
insert into tenantd.tenant_exports (tenant_id, status) values (:'ta', 'queued'), (:'tb', 'done');

-- the tables and how each is probed: the row key, a no-op update, the inserts (%1$s = the tenant)
create temp table eq_tables (tbl text primary key, key_expr text, noop_set text, inserts text[]);
insert into eq_tables values
  ('tenantd.tenants', 'id::text', 'name = name',
   array[$$insert into tenantd.tenants (slug, name) values ('probe-%2$s', 'Probe')$$]),
  ('tenantd.users', 'id::text', 'email = email',
   array[$$insert into tenantd.users (email) values ('probe-%2$s@probe.test')$$]),
  ('tenantd.memberships', 'id::text', 'display_name = display_name',
   array[format($$insert into tenantd.memberships (tenant_id, user_id, role) values ('%%1$s', %L, 'member')$$, :'gina')]),
  ('tenantd.roles', 'id::text', 'description = description',
   array[$$insert into tenantd.roles (tenant_id, name) values ('%1$s', 'probe_role')$$]),
  ('tenantd.role_permissions', $$role_id::text || ' ' || permission$$, 'permission = permission',
   array[$$insert into tenantd.role_permissions (tenant_id, role_id, permission)
             select r.tenant_id, r.id, 'usage:read' from tenantd.roles r
              where r.tenant_id = '%1$s' and not r.built_in$$,
         $$insert into tenantd.role_permissions (tenant_id, role_id, permission)
             select r.tenant_id, r.id, 'usage:read' from tenantd.roles r
              where r.tenant_id = '%1$s' and r.name = 'member'$$]),
  ('tenantd.sessions', 'id::text', 'revoked_at = revoked_at',
   array[format($$insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at)
                  values ('%%1$s', %L, '\x01', now() + interval '1 day')$$, :'carol')]),
  ('tenantd.audit_log', 'id::text', 'action = action',
   array[$$insert into tenantd.audit_log (tenant_id, action) values ('%1$s', 'probe')$$]),
  ('tenantd.invitations', 'id::text', 'status = status',
   array[$$insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
             values ('%1$s', 'probe@probe.test', 'member', decode(md5('%2$s') || md5('%2$s'), 'hex'),
                     now() + interval '1 day', tenantd.current_user_id())$$]),
  ('tenantd.login_attempts', 'id::text', 'succeeded = succeeded',
   array[$$insert into tenantd.login_attempts (tenant_id, email) values ('%1$s', 'probe@probe.test')$$]),
  ('tenantd.onboarding_steps', 'id::text', 'title = title',
   array[$$insert into tenantd.onboarding_steps (tenant_id, key, title, position) values ('%1$s', 'probe', 'Probe', 99)$$]),
  ('tenantd.tenant_configs', 'id::text', 'value = value',
   array[$$insert into tenantd.tenant_configs (tenant_id, type, key, value) values ('%1$s', 'general', 'probe2', '{}')$$,
         $$insert into tenantd.tenant_configs (tenant_id, type, key, value) values ('%1$s', 'integrations', 'probe2', '{"sealed": "v1", "kid": "k", "ct": "c"}')$$]),
  ('tenantd.tenant_data_keys', 'id::text', 'kek_id = kek_id',
   array[$$insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key, state)
             values ('%1$s', gen_random_uuid(), 'probe', repeat('B', 80), 'retired')$$]),
  ('tenantd.tenant_signups', 'id::text', 'admin_email = admin_email',
   array[$$insert into tenantd.tenant_signups (tenant_id, admin_email) values ('%1$s', 'probe@probe.test')$$]),
  ('tenantd.entitlement_overrides', 'tenant_id::text', 'reason = reason',
   array[$$insert into tenantd.entitlement_overrides (tenant_id, limits) values ('%1$s', '{"members": 1}')$$]),
  ('tenantd.quota_counters', $$metric || ' ' || period$$, 'value = value',
   array[$$insert into tenantd.quota_counters (tenant_id, metric, period, value) values ('%1$s', 'probe', '2000-01', 1)$$]),
  ('tenantd.usage_daily', $$metric || ' ' || day$$, 'value = value',
   array[$$insert into tenantd.usage_daily (tenant_id, metric, day, value) values ('%1$s', 'probe', '2000-01-01', 1)$$]),
  ('tenantd.usage_events', 'id', 'value = value',
   array[$$insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at) values ('%1$s', 'probe-%2$s', 'probe', 1, now())$$]),
  ('tenantd.domains', 'id::text', 'status = status',
   array[$$insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at)
             values ('%1$s', 'probe-%2$s.example', repeat('p', 43), 't', now() + interval '1 day')$$]),
  ('tenantd.allowed_origins', 'origin', 'origin = origin',
   array[$$insert into tenantd.allowed_origins (tenant_id, origin) values ('%1$s', 'https://probe-%2$s.example')$$]),
  ('tenantd.api_keys', 'id::text', 'revoked_at = revoked_at',
   array[$$insert into tenantd.api_keys (tenant_id, name, prefix, key_hash, permissions, created_by)
             values ('%1$s', 'probe', 'tdk_pppppppp', sha256(convert_to('%2$s', 'UTF8')), '{members:read}',
                     tenantd.current_user_id())$$]),
  ('tenantd.retention_settings', 'data', 'days = days',
   array[$$insert into tenantd.retention_settings (tenant_id, data, days) values ('%1$s', 'sessions', 5)$$]),
  ('tenantd.tenant_exports', 'id::text', 'error = error',
   array[$$insert into tenantd.tenant_exports (tenant_id) values ('%1$s')$$]),
  ('tenantd.events', 'id::text', 'data = data',
   array[$$insert into tenantd.events (tenant_id, kind, data) values ('%1$s', 'tenant.status', '{}')$$]);

-- every table with row-level security in schema tenantd is in the matrix
select is((select array_agg(format('%I.%I', n.nspname, c.relname)::text
                            order by format('%I.%I', n.nspname, c.relname)::text)
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'tenantd' and c.relkind in ('r', 'p') and c.relrowsecurity
              and c.relname <> 'signup_attempts'),
          (select array_agg(tbl order by tbl) from eq_tables),
          'the matrix covers every tenant table with row-level security (signup_attempts: owner only, no context)');

-- the contexts, each set by the superuser before switching to the probed role
create temp table eq_contexts (ord int primary key, label text, setup text);
insert into eq_contexts values
  (1, 'no context', 'select 1'),
  (2, 'admin of A', format('select tests.act_as(%L, %L, %L)', :'ta', :'alice', 'tenant_admin')),
  (3, 'member of A', format('select tests.act_as(%L, %L, %L)', :'ta', :'carol', 'member')),
  (4, 'read_only of A', format('select tests.act_as(%L, %L, %L)', :'ta', :'dave', 'read_only')),
  (5, 'tenant-defined role of A', format('select tests.act_as(%L, %L, %L)', :'ta', :'erin', 'auditor')),
  (6, 'a role only B has, in A', format('select tests.act_as(%L, %L, %L)', :'ta', :'carol', 'b_only')),
  (7, 'super admin in A', format('select tests.act_as(%L, null, %L)', :'ta', 'super_admin')),
  (8, 'super admin, no tenant', $$select tests.act_as(null, null, 'super_admin')$$),
  (9, 'forged app.role = super_admin in A',
   format($$select set_config('app.tenant_id', %L, true), set_config('app.user_id', %L, true),
                   set_config('app.role', 'super_admin', true)$$, :'ta', :'carol')),
  (10, 'disabled member through enter_context',
   format($$select * from tenantd.enter_context(array[%L], %L, 'member', 'eq', 'eq')$$, :'ta', :'frank')),
  (11, 'admin of A through enter_context',
   format($$select * from tenantd.enter_context(array[%L], %L, 'tenant_admin', 'eq', 'eq')$$, :'ta', :'alice')),
  (12, 'tenant-defined role through enter_context',
   format($$select * from tenantd.enter_context(array[%L], %L, 'auditor', 'eq', 'eq')$$, :'ta', :'erin')),
  (13, 'invitee (no member) in A', format('select tests.act_as(%L, %L, %L)', :'ta', :'gina', 'member')),
  (14, 'admin of B', format('select tests.act_as(%L, %L, %L)', :'tb', :'bob', 'tenant_admin')),
  (15, 'a user without a tenant', format('select tests.act_as(null, %L, %L)', :'alice', 'tenant_admin'));

create temp table eq_results (phase text, db_role text, context text, tbl text, probe text, row_key text,
                              outcome text);

-- One probe: run the statement, report 'rows:N' or 'error:SQLSTATE', and roll it back
-- (the subtransaction ends in the exception handler), so no probe changes what the next sees.
create function tests.eq_try(p_sql text) returns text
language plpgsql volatile
as $$
declare
  v_n int;
begin
  begin
    execute p_sql;
    get diagnostics v_n = row_count;
    raise exception using errcode = 'TDEQ0', message = v_n::text;
  exception
    when sqlstate 'TDEQ0' then return 'rows:' || sqlerrm;
    when others then return 'error:' || sqlstate;
  end;
end
$$;

create function tests.eq_probe(p_phase text) returns int
language plpgsql volatile
as $$
declare
  v_ctx record;
  v_role text;
  v_t record;
  v_key text;
  v_keys text[];
  v_ins text;
  v_tenant text;
  v_i int;
  v_rows text[];
  v_count int := 0;
begin
  for v_ctx in select * from eq_contexts order by ord loop
    foreach v_role in array array['tenantd_app', 'tenantd_readonly', 'tenantd_owner'] loop
      for v_t in select * from eq_tables order by tbl loop
        -- clean slate, then the context, as the superuser
        perform set_config(s, '', true)
           from unnest(array['app.tenant_id', 'app.user_id', 'app.role', 'app.subject',
                             'app.permissions', 'app.user_email', 'app.request_id']) as s;
        execute v_ctx.setup;
        execute format('select coalesce(array_agg(%s order by 1), ''{}'') from %s', v_t.key_expr, v_t.tbl)
           into v_keys;
        v_rows := '{}';
        execute format('set local role %I', v_role);
        foreach v_key in array v_keys loop
          v_rows := v_rows || array[
            'select', v_key, tests.eq_try(format('select 1 from %s where %s = %L', v_t.tbl, v_t.key_expr, v_key)),
            'update', v_key, tests.eq_try(format('update %s set %s where %s = %L', v_t.tbl, v_t.noop_set,
                                                 v_t.key_expr, v_key)),
            'delete', v_key, tests.eq_try(format('delete from %s where %s = %L', v_t.tbl, v_t.key_expr, v_key))];
          if v_t.tbl = 'tenantd.invitations' then
            v_rows := v_rows || array['accept', v_key, tests.eq_try(format(
              $q$update tenantd.invitations set status = 'accepted', accepted_at = now(),
                        accepted_by = tenantd.current_user_id() where id = %L$q$, v_key))];
          end if;
        end loop;
        v_i := 0;
        foreach v_ins in array v_t.inserts loop
          v_i := v_i + 1;
          foreach v_tenant in array array['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'] loop
            v_rows := v_rows || array['insert#' || v_i, v_tenant,
                                      tests.eq_try(format(v_ins, v_tenant, left(v_tenant, 8) || v_i))];
          end loop;
        end loop;
        reset role;
        insert into eq_results
        select p_phase, v_role, v_ctx.label, v_t.tbl, v_rows[3 * g - 2], v_rows[3 * g - 1], v_rows[3 * g]
          from generate_series(1, cardinality(v_rows) / 3) as g;
        v_count := v_count + cardinality(v_rows) / 3;
      end loop;
    end loop;
  end loop;
  return v_count;
end
$$;

grant usage on schema tests to tenantd_owner;
grant execute on function tests.eq_try(text) to tenantd_app, tenantd_readonly, tenantd_owner;

select cmp_ok(tests.eq_probe('new'), '>', 3000, 'the new policies answer the whole matrix');

-- the reference: the permission rule and the two policies as they were before
create or replace function tenantd.has_permission(p_permission text) returns boolean
language plpgsql stable parallel safe
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_role text := tenantd.current_role_name();
  v_tenant uuid := tenantd.current_tenant_id();
  v_builtin text[];
begin
  if v_role = 'super_admin' then
    return tenantd.is_super_admin();
  end if;
  if v_tenant is null or v_role is null or p_permission is null then
    return false;
  end if;
  v_builtin := tenantd.builtin_role_permissions(v_role);
  if v_builtin is not null then
    return p_permission = any (v_builtin);
  end if;
  return exists (
    select 1
      from tenantd.roles r
      join tenantd.role_permissions rp on rp.tenant_id = r.tenant_id and rp.role_id = r.id
     where r.tenant_id = v_tenant
       and r.name = v_role
       and rp.permission = p_permission);
end
$$;

drop policy update_accept_own on tenantd.invitations;
create policy update_accept_own on tenantd.invitations for update
  using (tenant_id = (select tenantd.current_tenant_id())
         and status = 'pending'
         and lower(email) = (select lower(u.email) from tenantd.users u
                              where u.id = (select tenantd.current_user_id())))
  with check (tenant_id = (select tenantd.current_tenant_id())
              and status = 'accepted'
              and accepted_by = (select tenantd.current_user_id()));

drop policy insert_own_tenant on tenantd.role_permissions;
drop policy update_own_tenant on tenantd.role_permissions;
create policy insert_own_tenant on tenantd.role_permissions for insert
  with check (tenant_id = (select tenantd.current_tenant_id())
              and (select tenantd.has_permission('roles:write'))
              and exists (select 1
                            from tenantd.roles r
                           where r.tenant_id = role_permissions.tenant_id
                             and r.id = role_permissions.role_id
                             and not r.built_in));
create policy update_own_tenant on tenantd.role_permissions for update
  using (tenant_id = (select tenantd.current_tenant_id())
         and (select tenantd.has_permission('roles:write')))
  with check (tenant_id = (select tenantd.current_tenant_id())
              and (select tenantd.has_permission('roles:write'))
              and exists (select 1
                            from tenantd.roles r
                           where r.tenant_id = role_permissions.tenant_id
                             and r.id = role_permissions.role_id
                             and not r.built_in));
alter table tenantd.role_permissions disable trigger tg_role_permissions__not_built_in;
-- the users policy that showed a tenant's members through a subquery into memberships
create policy select_members_of_own_tenant on tenantd.users for select
  using (exists (
    select 1
      from tenantd.memberships m
     where m.tenant_id = (select tenantd.current_tenant_id())
       and m.user_id = users.id));

select cmp_ok(tests.eq_probe('old'), '>', 3000, 'the old policies answer the same matrix');

create temp view eq_compared as
  select * from eq_results
   where not (db_role = 'tenantd_owner' and context = 'forged app.role = super_admin in A')
     and tbl <> 'tenantd.users';

-- per table: the same outcome for every probe, both ways
select is_empty(format($$select db_role, context, probe, row_key, outcome from eq_compared
                          where phase = 'new' and tbl = %1$L
                         except
                         select db_role, context, probe, row_key, outcome from eq_compared
                          where phase = 'old' and tbl = %1$L$$, t.tbl),
                t.tbl || ': nothing the new policies allow or deny differently from the old')
  from eq_tables t order by t.tbl;
select is_empty(format($$select db_role, context, probe, row_key, outcome from eq_compared
                          where phase = 'old' and tbl = %1$L
                         except
                         select db_role, context, probe, row_key, outcome from eq_compared
                          where phase = 'new' and tbl = %1$L$$, t.tbl),
                t.tbl || ': no old outcome missing from the new run')
  from eq_tables t order by t.tbl;
select is_empty($$select n.tbl, n.probe, n.row_key, o.outcome, n.outcome
                    from eq_results n
                    join eq_results o using (db_role, context, tbl, probe, row_key)
                   where n.phase = 'new' and o.phase = 'old' and n.db_role = 'tenantd_owner'
                     and n.context = 'forged app.role = super_admin in A'
                     and n.outcome is distinct from o.outcome
                     and n.outcome not in ('rows:0', 'error:42501')$$,
                'the owner with a bare app.role = super_admin: where it differs, the new rule refuses');
select is_empty($$select n.db_role, n.context, n.probe, n.row_key, o.outcome, n.outcome
                    from eq_results n
                    join eq_results o using (db_role, context, tbl, probe, row_key)
                   where n.phase = 'new' and o.phase = 'old' and n.tbl = 'tenantd.users'
                     and n.outcome is distinct from o.outcome
                     and not (o.outcome = 'rows:1' and n.outcome in ('rows:0', 'error:42501')
                              and n.context not like 'super admin%')$$,
                'users: the members of one''s tenant are no longer visible (member lists read memberships.email); nothing else differs');

-- the matrix is not vacuous: the policies decide something in it, in both directions
select ok((select count(distinct outcome) from eq_results where phase = 'new' and probe = 'select') >= 2
          and exists (select 1 from eq_results where phase = 'new' and probe = 'update' and outcome = 'rows:1')
          and exists (select 1 from eq_results where phase = 'new' and probe = 'update' and outcome = 'rows:0')
          and exists (select 1 from eq_results where phase = 'new' and probe like 'insert%' and outcome = 'rows:1')
          and exists (select 1 from eq_results where phase = 'new' and probe like 'insert%' and outcome = 'error:42501'),
          'rows are both shown and hidden, updated and not, inserted and refused');
-- (as the owner, as tenantd.accept_invitation runs: the app role also needs the select policy,
-- which asks for invitations:write)
select is((select count(*)::int from eq_results where phase = 'new' and probe = 'accept' and outcome = 'rows:1'
             and context = 'invitee (no member) in A' and db_role = 'tenantd_owner'), 1,
          'the invitee accepts the pending invitation to their address (in any case), and no other');
select is((select count(*)::int from eq_results where phase = 'new' and probe = 'accept' and outcome = 'rows:1'
             and context = 'member of A' and db_role = 'tenantd_owner'), 0,
          'a member of A accepts no invitation addressed to someone else');
select ok(exists (select 1 from eq_results where phase = 'new' and tbl = 'tenantd.role_permissions'
                     and probe = 'insert#2' and context = 'admin of A' and db_role = 'tenantd_app'
                     and row_key = :'ta' and outcome = 'error:42501')
          and exists (select 1 from eq_results where phase = 'new' and tbl = 'tenantd.role_permissions'
                         and probe = 'insert#1' and context = 'admin of A' and db_role = 'tenantd_app'
                         and row_key = :'ta' and outcome = 'rows:1'),
          'an admin adds permissions to a tenant-defined role, never to a built-in one');
select ok(exists (select 1 from eq_results where phase = 'new' and tbl = 'tenantd.audit_log'
                     and probe = 'select' and context = 'tenant-defined role through enter_context'
                     and db_role = 'tenantd_app' and outcome = 'rows:1')
          and not exists (select 1 from eq_results where phase = 'new' and tbl = 'tenantd.audit_log'
                             and probe = 'select' and db_role = 'tenantd_app' and outcome = 'rows:1'
                             and context in ('member of A', 'forged app.role = super_admin in A',
                                             'disabled member through enter_context', 'no context')),
          'audit:read through a tenant-defined role entered by enter_context; none for members, forgers, the disabled');

select * from finish();
rollback;
