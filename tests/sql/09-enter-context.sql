-- tenantd.enter_context(): tenant resolution, the principal checked against the database, and
-- the transaction-local request context.

-- Locality across transactions, proven before the test transaction starts: a committed
-- transaction that entered a context leaves nothing behind on this connection, which is what a
-- pooled connection needs. (An anonymous context: no tenant, nothing written; the assertion is
-- the first one below. The C++ integration tests prove the same through the connection pool.)
begin;
set local role tenantd_app;
do $$ begin
  perform tenantd.enter_context('{}', null, null, 'req-previous', '/v1/me');
  if current_setting('app.request_id') <> 'req-previous' then
    raise exception 'enter_context did not set the context';
  end if;
end $$;
commit;

\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-0000000000c1
\set dave aaaaaaaa-0000-4000-8000-0000000000d1
\set erin aaaaaaaa-0000-4000-8000-0000000000e1
begin;
select plan(53);
select results_eq(
  $$select coalesce(current_setting('app.tenant_id', true), ''), coalesce(current_setting('app.user_id', true), ''),
           coalesce(current_setting('app.role', true), ''), coalesce(current_setting('app.request_id', true), '')$$,
  $$values ('', '', '', '')$$,
  'the context of the previous, committed transaction is gone');
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_tenant('defunct', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd');
update tenantd.tenants set deleted_at = now() where slug = 'defunct';
update tenantd.tenants set status = 'suspended' where id = :'tb';
-- carol: a member of A; dave: a member of A whose membership is disabled; erin: a member of A
-- whose account is disabled
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
select tests.create_user('dave@acme.test', :'dave');
select tests.add_member(:'ta', :'dave', 'member');
update tenantd.memberships set disabled = true where user_id = :'dave';
select tests.create_user('erin@acme.test', :'erin');
select tests.add_member(:'ta', :'erin', 'member');
update tenantd.users set disabled = true where id = :'erin';
-- a tenant-defined role of A with one permission (a subset of member's) and one with audit:read
insert into tenantd.roles (tenant_id, name) values (:'ta', 'viewer'), (:'ta', 'auditor');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', id, case name when 'viewer' then 'members:read' else 'audit:read' end
  from tenantd.roles where tenant_id = :'ta' and name in ('viewer', 'auditor');
insert into tenantd.platform_admins (subject) values ('ops@example.test');
set local role tenantd_app;

-- resolution
select results_eq(format('select * from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         :'ta', :'alice', 'tenant_admin', 'req-1', '/v1/tenants/x/members'),
                  format('values (%L::uuid, %L, null::text, %L)', :'ta', 'active', 'tenant_admin'),
                  'a uuid resolves to its tenant, with its status and the effective role');
select results_eq($$select current_setting('app.tenant_id'), current_setting('app.user_id'),
                           current_setting('app.role'), current_setting('app.request_id')$$,
                  format('values (%L, %L, %L, %L)', :'ta', :'alice', 'tenant_admin', 'req-1'),
                  'the context is set for the rest of the transaction');
select results_eq($$select tenantd.current_tenant_id(), tenantd.current_user_id(),
                           tenantd.current_role_name(), tenantd.current_request_id()$$,
                  format('values (%L::uuid, %L::uuid, %L, %L)', :'ta', :'alice', 'tenant_admin', 'req-1'),
                  'and the helpers read it');
select results_eq('select id from tenantd.tenants', array[:'ta'::uuid],
                  'the policies now show the tenant entered');
select is(current_setting('app.permissions'), tenantd.context_permissions('tenant_admin'),
          'the effective role''s permissions are computed once, into app.permissions');
select is(current_setting('app.user_email'), 'alice@acme.test', 'and the user''s address into app.user_email');
select results_eq(format('select * from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         'globex', :'bob', 'tenant_admin', 'req-2', '/v1/members'),
                  format('values (%L::uuid, %L, null::text, %L)', :'tb', 'suspended', 'tenant_admin'),
                  'a slug resolves to its tenant (a suspended tenant resolves; the caller decides)');
select results_eq(format('select * from tenantd.enter_context(array[%L, null, %L, %L, %L], null, null, null, null)',
                         upper(:'ta'), '', 'acme', :'ta'),
                  format('values (%L::uuid, %L, null::text, %L)', :'ta', 'active', ''),
                  'references that agree resolve; NULL and empty ones are ignored; uuid case does not matter; '
                  'no principal: an anonymous context');

-- refusals leave the context as it was
select tests.act_as(null, null, null);
select results_eq(format('select * from tenantd.enter_context(array[%L, %L], %L, %L, %L, %L)',
                         :'ta', 'globex', :'alice', 'tenant_admin', 'req-3', '/'),
                  $$values (null::uuid, null::text, 'tenant_mismatch', null::text)$$,
                  'references naming different tenants: tenant_mismatch');
select is(current_setting('app.tenant_id'), '', 'tenant_mismatch sets nothing');
select results_eq($$select problem from tenantd.enter_context(array['no-such-tenant'], null, null, null, null)$$,
                  $$values ('tenant_not_found')$$,
                  'an unknown slug: tenant_not_found');
select results_eq($$select problem from tenantd.enter_context(array['00000000-0000-4000-8000-00000000dead'], null, null, null, null)$$,
                  $$values ('tenant_not_found')$$,
                  'an unknown uuid: tenant_not_found');
select results_eq(format('select problem from tenantd.enter_context(array[%L, %L], null, null, null, null)', :'ta', 'Acme'),
                  $$values ('tenant_not_found')$$,
                  'one unresolvable reference among good ones: tenant_not_found');
-- a soft-deleted tenant resolves and is reported as 'deleted' (the caller refuses it with 403
-- tenant_suspended); tenant_not_found stays for tenants that never existed
select results_eq($$select tenant_id, tenant_status, problem from tenantd.enter_context(array['defunct'], null, null, null, null)$$,
                  $$values ('dddddddd-dddd-4ddd-8ddd-dddddddddddd'::uuid, 'deleted', null::text)$$,
                  'a soft-deleted tenant resolves by slug, reported as deleted');
select results_eq($$select tenant_id, tenant_status, problem from tenantd.enter_context(array['dddddddd-dddd-4ddd-8ddd-dddddddddddd'], null, null, null, null)$$,
                  $$values ('dddddddd-dddd-4ddd-8ddd-dddddddddddd'::uuid, 'deleted', null::text)$$,
                  'and by id');
select tests.act_as(null, null, null);
select results_eq($$select problem from tenantd.enter_context(array['acme'], 'alice', 'member', null, null)$$,
                  $$values ('invalid_context')$$,
                  'a user id that is not a uuid: invalid_context');
select results_eq(format('select problem from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'alice', 'Tenant Admin'),
                  $$values ('invalid_context')$$,
                  'a role that is not a lower-case word: invalid_context');
select results_eq($$select problem from tenantd.enter_context(array['acme'], null, 'tenant_admin', null, null)$$,
                  $$values ('invalid_context')$$,
                  'a tenant role without a user: invalid_context');
select is(current_setting('app.tenant_id'), '', 'refusals set nothing');

-- no references: a context without a tenant
select results_eq(format('select * from tenantd.enter_context(%L, %L, %L, %L, %L)',
                         '{}', :'alice', 'member', 'req-4', '/v1/me'),
                  $$values (null::uuid, null::text, null::text, 'member')$$,
                  'no references: no tenant, no problem');
select results_eq($$select current_setting('app.tenant_id'), current_setting('app.user_id'), current_setting('app.role')$$,
                  format('values (%L, %L, %L)', '', :'alice', 'member'),
                  'no references: user and role set, tenant empty');

-- the principal is checked against the database: a still-valid token of a removed, disabled or
-- unknown principal is refused (membership_revoked) and sets nothing
select tests.act_as(null, null, null);
select results_eq(format('select * from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         'globex', :'alice', 'tenant_admin', 'req-6', '/v1/users'),
                  $$values (null::uuid, null::text, 'membership_revoked', null::text)$$,
                  'a user without a membership in the tenant named (A''s admin naming B): membership_revoked');
select is(current_setting('app.tenant_id'), '', 'and nothing is set');
select results_eq(format('select problem from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'dave', 'member'),
                  $$values ('membership_revoked')$$, 'a disabled membership: membership_revoked');
select results_eq(format('select problem from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'erin', 'member'),
                  $$values ('membership_revoked')$$, 'a disabled user: membership_revoked');
select results_eq(format('select problem from tenantd.enter_context(%L, %L, %L, null, null)', '{}', :'erin', 'member'),
                  $$values ('membership_revoked')$$, 'a disabled user, no tenant named: membership_revoked');
select results_eq(format('select problem from tenantd.enter_context(%L, %L, %L, null, null)', '{}',
                         '00000000-0000-4000-8000-00000000beef', 'member'),
                  $$values ('membership_revoked')$$, 'a user id that names no user: membership_revoked');
select is(current_setting('app.user_id'), '', 'refused principals set nothing');
reset role;
delete from tenantd.memberships where user_id = :'carol';
set local role tenantd_app;
select results_eq(format('select problem from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'member'),
                  $$values ('membership_revoked')$$,
                  'a membership deleted after the token was issued: membership_revoked on the next call');

-- the effective role is the membership's; a claim only narrows it
reset role;
select tests.add_member(:'ta', :'carol', 'member');
set local role tenantd_app;
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'tenant_admin'),
                  $$values ('member')$$, 'a member claiming tenant_admin acts as member');
select is(current_setting('app.role'), 'member', 'and app.role says member');
select is(tenantd.has_permission('members:write'), false, 'so has_permission refuses admin work');
select is(current_setting('app.permissions'), ',members:read,config:read,usage:read,',
          'app.permissions holds the effective role''s permissions, not the claim''s');
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'alice', 'member'),
                  $$values ('member')$$, 'a tenant_admin whose token claims member acts as member (narrowing)');
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'viewer'),
                  $$values ('viewer')$$, 'a member claiming a tenant role with fewer permissions acts as that role');
select is(current_setting('app.permissions'), ',members:read,', 'with that role''s permissions only');
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'auditor'),
                  $$values ('member')$$, 'a member claiming a role with a permission member lacks (audit:read) stays member');
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'no_such_role'),
                  $$values ('member')$$, 'a claim naming no role of the tenant: the membership role');
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', ''),
                  $$values ('member')$$, 'no claim: the membership role');
reset role;
update tenantd.memberships set role = 'tenant_admin' where user_id = :'carol';
set local role tenantd_app;
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'tenant_admin'),
                  $$values ('tenant_admin')$$, 'a promotion counts on the next call');
reset role;
update tenantd.memberships set role = 'member' where user_id = :'carol';
set local role tenantd_app;
select results_eq(format('select effective_role from tenantd.enter_context(array[%L], %L, %L, null, null)', 'acme', :'carol', 'tenant_admin'),
                  $$values ('member')$$, 'and so does a demotion, whatever the token still claims');

-- platform operators are registered subjects
select is((select count(*)::int from tenantd.audit_log where action = 'super_admin.access'), 0,
          'no super_admin.access row so far');
select results_eq(format('select * from tenantd.enter_context(array[%L], null, %L, null, null, %L)',
                         'acme', 'super_admin', 'intruder@example.test'),
                  $$values (null::uuid, null::text, 'operator_not_registered', null::text)$$,
                  'a super_admin claim from an unregistered subject: operator_not_registered');
select results_eq(format('select problem from tenantd.enter_context(%L, null, %L, null, null, null)', '{}', 'super_admin'),
                  $$values ('operator_not_registered')$$,
                  'a super_admin claim without a subject, no tenant: operator_not_registered');
select results_eq(format('select problem from tenantd.enter_context(%L, %L, %L, null, null, %L)', '{}', :'alice', 'super_admin', :'alice'),
                  $$values ('operator_not_registered')$$,
                  'a tenant_admin (a real user) claiming super_admin: operator_not_registered');
select is((select count(*)::int from tenantd.audit_log where action = 'super_admin.access'), 0,
          'refused operators leave no super_admin.access row');
select results_eq(format('select tenant_id, problem, effective_role from tenantd.enter_context(array[%L], %L, %L, %L, %L, %L)',
                         'acme', :'alice', 'super_admin', 'req-5', '/v1/tenants/acme/members', 'ops@example.test'),
                  format('values (%L::uuid, null::text, %L)', :'ta', 'super_admin'),
                  'a registered operator enters tenant A');
select is(tenantd.is_super_admin(), true, 'and is a super admin for the policies');
select is(current_setting('app.permissions'), tenantd.context_permissions('super_admin'),
          'with the whole catalogue in app.permissions');
select results_eq($$select tenant_id, actor_id, actor_role, action, target_type, target_id, details, request_id
                      from tenantd.audit_log where action = 'super_admin.access'$$,
                  format($$values (%L::uuid, %L::uuid, 'super_admin', 'super_admin.access', 'tenant', %L,
                                   '{"route": "/v1/tenants/acme/members"}'::jsonb, 'req-5')$$,
                         :'ta', :'alice', :'ta'),
                  'and that wrote one super_admin.access audit row in A, in the same transaction');
reset role;
delete from tenantd.platform_admins where subject = 'ops@example.test';
set local role tenantd_app;
select is(tenantd.is_super_admin(), false, 'an operator removed mid-transaction is no super admin any more');
select results_eq(format('select problem from tenantd.enter_context(%L, null, %L, null, null, %L)', '{}', 'super_admin', 'ops@example.test'),
                  $$values ('operator_not_registered')$$,
                  'and their next request is refused: operator_not_registered');

reset role;
select * from finish();
rollback;
