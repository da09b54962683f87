-- tenantd.enter(ctx): the context step of every endpoint function. Each refusal is a coded
-- error (SQLSTATE → problem code in the C++ problem table) that aborts the statement, so
-- nothing of a refused context survives; an accepted one is transaction-local.

-- Locality: a committed statement that entered a context leaves nothing on the connection.
begin;
set local role tenantd_app;
select tenantd.enter('{"request_id": "req-previous", "route": "GET /v1/me", "client": "192.0.2.1"}');
commit;

\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-0000000000c1
\set dave aaaaaaaa-0000-4000-8000-0000000000d1
\set erin aaaaaaaa-0000-4000-8000-0000000000e1
begin;
select plan(31);
select results_eq(
  $$select coalesce(current_setting('app.request_id', true), ''), coalesce(current_setting('app.client', true), '')$$,
  $$values ('', '')$$, 'the previous statement''s context is gone');
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_tenant('defunct', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd');
update tenantd.tenants set deleted_at = now() where slug = 'defunct';
update tenantd.tenants set status = 'suspended' where id = :'tb';
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
select tests.create_user('dave@acme.test', :'dave');
select tests.add_member(:'ta', :'dave', 'member');
update tenantd.memberships set disabled = true where user_id = :'dave';
select tests.create_user('erin@acme.test', :'erin');
select tests.add_member(:'ta', :'erin', 'member');
update tenantd.users set disabled = true where id = :'erin';
insert into tenantd.roles (tenant_id, name) values (:'ta', 'viewer');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', id, 'members:read' from tenantd.roles where tenant_id = :'ta' and name = 'viewer';
insert into tenantd.platform_admins (subject) values ('ops@example.test');
create function pg_temp.ctx(p_refs text[], p_user text, p_role text, p_extra jsonb default '{}')
returns jsonb language sql as $$
  select jsonb_build_object('refs', to_jsonb(p_refs), 'user_id', p_user, 'role', p_role, 'subject', p_user,
                            'request_id', 'req-t09', 'route', 'GET /v1/users', 'client', '198.51.100.7') || p_extra
$$;
grant execute on function pg_temp.ctx(text[], text, text, jsonb) to tenantd_app;
set local role tenantd_app;

-- resolution and the context set
select is(tenantd.enter(pg_temp.ctx(array[:'ta'], :'alice', 'tenant_admin')), :'ta'::uuid, 'a uuid resolves');
select results_eq($$select current_setting('app.tenant_id'), current_setting('app.user_id'), current_setting('app.role'),
                           current_setting('app.request_id'), current_setting('app.route'), current_setting('app.client')$$,
                  format('values (%L, %L, %L, %L, %L, %L)', :'ta', :'alice', 'tenant_admin', 'req-t09', 'GET /v1/users',
                         '198.51.100.7'),
                  'tenant, user, role, request id, route and client address are set');
select is(tenantd.enter(pg_temp.ctx(array['acme', :'ta'], :'alice', 'tenant_admin')), :'ta'::uuid,
          'a slug and the uuid of one tenant agree');
select is(tenantd.enter(null), :'ta'::uuid, 'a NULL context keeps the one already entered');
select is(tenantd.enter('{"request_id": "r", "route": "POST /v1/signup", "client": "203.0.113.9"}'), null::uuid,
          'a public route: no tenant, no principal');
select results_eq($$select current_setting('app.tenant_id'), current_setting('app.role'), current_setting('app.client')$$,
                  $$values ('', '', '203.0.113.9')$$, 'and the client address still reaches the context');

-- refusals, each with its own code
select throws_ok($$select tenantd.enter(pg_temp.ctx(array['no-such-tenant'], null, null))$$, 'TDN05', 'no such tenant',
                 'an unknown slug: tenant_not_found');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L, %L], %L, %L))', :'ta', :'tb', :'alice', 'tenant_admin'),
                 'TDF06', null, 'two tenants named: tenant_mismatch');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L, %L], %L, %L))', :'ta', 'nope', :'alice', 'tenant_admin'),
                 'TDN05', null, 'an unknown reference wins over the known one');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L))', :'tb', :'alice', 'tenant_admin'),
                 'TDU01', null, 'a user with no membership in the tenant: membership_revoked');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L))', :'ta', :'dave', 'member'),
                 'TDU01', null, 'a disabled membership: membership_revoked');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L))', :'ta', :'erin', 'member'),
                 'TDU01', null, 'a disabled user: membership_revoked');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(null, %L, %L))', :'erin', 'member'),
                 'TDU01', null, 'a disabled user, even without a tenant');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(null, %L, %L))', 'bbbbbbbb-0000-4000-8000-0000000000ff', 'member'),
                 'TDU01', null, 'a user who does not exist');
select throws_ok($$select tenantd.enter(pg_temp.ctx(null, null, 'super_admin') || '{"subject": "mallory@example.test"}')$$,
                 'TDU02', null, 'a super_admin claim from an unregistered subject: operator_not_registered');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L))', :'tb', :'bob', 'tenant_admin'),
                 'TDF04', 'this tenant is suspended', 'a suspended tenant: tenant_suspended');
select is(tenantd.enter(pg_temp.ctx(array[:'tb'], :'bob', 'tenant_admin', '{"allow_inactive": true}')), :'tb'::uuid,
          'unless the route manages inactive tenants');
select throws_ok($$select tenantd.enter(pg_temp.ctx(array['defunct'], null, 'super_admin') || '{"subject": "ops@example.test"}')$$,
                 'TDF04', 'this tenant has been deleted', 'a deleted tenant, even for an operator');
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L, %L))', :'ta', :'carol', 'member',
                        '{"permission": "members:write"}'),
                 'TD403', null, 'the route''s permission is checked: a member cannot write members');
select is(tenantd.enter(pg_temp.ctx(array[:'ta'], :'alice', 'tenant_admin', '{"permission": "members:write"}')), :'ta'::uuid,
          'an admin can');
select throws_ok($$select tenantd.enter('{"user_id": "not-a-uuid"}')$$, 'TDB07', null, 'a malformed user id: invalid_context');
select throws_ok($$select tenantd.enter('{"role": "tenant_admin"}')$$, 'TDB07', null, 'a tenant role without a user');
select throws_ok($$select tenantd.enter('{"request_id": "bad\nid"}')$$, 'TDB07', null, 'a control character in the request id');
select throws_ok($$select tenantd.enter('[]')$$, 'TDB07', null, 'a context that is not an object');

-- the effective role comes from the membership; a claim only narrows it
select tenantd.enter(pg_temp.ctx(array[:'ta'], :'carol', 'tenant_admin'));
select is(current_setting('app.role'), 'member', 'a member claiming tenant_admin acts as a member');
select tenantd.enter(pg_temp.ctx(array[:'ta'], :'alice', 'viewer'));
select is(current_setting('app.role'), 'viewer', 'an admin claiming a narrower tenant role acts in it');

-- an operator entering a tenant leaves an audit row, in the same transaction
select tenantd.enter(pg_temp.ctx(array[:'ta'], null, 'super_admin') || '{"subject": "ops@example.test"}');
select is(current_setting('app.role'), 'super_admin', 'a registered operator is a super admin');
select is((select count(*)::int from tenantd.audit_log where action = 'super_admin.access' and request_id = 'req-t09'), 1,
          'with a super_admin.access audit row carrying the request id');

-- a refused context leaves the previous one as it was (the error aborts the statement)
select tenantd.enter(pg_temp.ctx(array[:'ta'], :'carol', 'member'));
select throws_ok(format('select tenantd.enter(pg_temp.ctx(array[%L], %L, %L))', :'tb', :'carol', 'member'),
                 'TDU01', null, 'a refused context for another tenant');
select is(current_setting('app.tenant_id'), :'ta', 'leaves the tenant it had');

select * from finish();
rollback;
