-- tenantd.enter_context(): tenant resolution and the transaction-local request context.

-- Locality across transactions, proven before the test transaction starts: a committed
-- transaction that entered a context leaves nothing behind on this connection, which is what a
-- pooled connection needs. (No tenant is named, so nothing is written; the assertion is the
-- first one below. The C++ integration tests prove the same through the connection pool.)
begin;
set local role tenantd_app;
do $$ begin
  perform tenantd.enter_context('{}', 'aaaaaaaa-0000-4000-8000-000000000001', 'member', 'req-previous', '/v1/me');
end $$;
commit;

\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(22);
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
set local role tenantd_app;

-- resolution
select results_eq(format('select * from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         :'ta', :'alice', 'tenant_admin', 'req-1', '/v1/tenants/x/members'),
                  format('values (%L::uuid, %L, null::text)', :'ta', 'active'),
                  'a uuid resolves to its tenant, with its status');
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
select results_eq(format('select * from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         'globex', :'alice', 'member', 'req-2', '/v1/members'),
                  format('values (%L::uuid, %L, null::text)', :'tb', 'suspended'),
                  'a slug resolves to its tenant (a suspended tenant resolves; the caller decides)');
select results_eq(format('select * from tenantd.enter_context(array[%L, null, %L, %L, %L], null, null, null, null)',
                         upper(:'ta'), '', 'acme', :'ta'),
                  format('values (%L::uuid, %L, null::text)', :'ta', 'active'),
                  'references that agree resolve; NULL and empty ones are ignored; uuid case does not matter');

-- refusals leave the context as it was
select tests.act_as(null, null, null);
select results_eq(format('select * from tenantd.enter_context(array[%L, %L], %L, %L, %L, %L)',
                         :'ta', 'globex', :'alice', 'tenant_admin', 'req-3', '/'),
                  $$values (null::uuid, null::text, 'tenant_mismatch')$$,
                  'references naming different tenants: tenant_mismatch');
select is(current_setting('app.tenant_id'), '', 'tenant_mismatch sets nothing');
select results_eq($$select * from tenantd.enter_context(array['no-such-tenant'], null, null, null, null)$$,
                  $$values (null::uuid, null::text, 'tenant_not_found')$$,
                  'an unknown slug: tenant_not_found');
select results_eq($$select * from tenantd.enter_context(array['00000000-0000-4000-8000-00000000dead'], null, null, null, null)$$,
                  $$values (null::uuid, null::text, 'tenant_not_found')$$,
                  'an unknown uuid: tenant_not_found');
select results_eq(format('select * from tenantd.enter_context(array[%L, %L], null, null, null, null)', :'ta', 'Acme'),
                  $$values (null::uuid, null::text, 'tenant_not_found')$$,
                  'one unresolvable reference among good ones: tenant_not_found');
-- issue 4: a soft-deleted tenant resolves and is reported as 'deleted' (the caller refuses it
-- with 403 tenant_suspended); tenant_not_found stays for tenants that never existed
select results_eq($$select * from tenantd.enter_context(array['defunct'], null, null, null, null)$$,
                  $$values ('dddddddd-dddd-4ddd-8ddd-dddddddddddd'::uuid, 'deleted', null::text)$$,
                  'a soft-deleted tenant resolves by slug, reported as deleted');
select results_eq($$select * from tenantd.enter_context(array['dddddddd-dddd-4ddd-8ddd-dddddddddddd'], null, null, null, null)$$,
                  $$values ('dddddddd-dddd-4ddd-8ddd-dddddddddddd'::uuid, 'deleted', null::text)$$,
                  'and by id');
select tests.act_as(null, null, null);
select results_eq($$select * from tenantd.enter_context(array['acme'], 'alice', 'member', null, null)$$,
                  $$values (null::uuid, null::text, 'invalid_context')$$,
                  'a user id that is not a uuid: invalid_context');
select results_eq($$select * from tenantd.enter_context(array['acme'], null, 'Tenant Admin', null, null)$$,
                  $$values (null::uuid, null::text, 'invalid_context')$$,
                  'a role that is not a lower-case word: invalid_context');
select is(current_setting('app.tenant_id'), '', 'refusals set nothing');

-- no references: a context without a tenant
select results_eq(format('select * from tenantd.enter_context(%L, %L, %L, %L, %L)',
                         '{}', :'alice', 'member', 'req-4', '/v1/me'),
                  $$values (null::uuid, null::text, null::text)$$,
                  'no references: no tenant, no problem');
select results_eq($$select current_setting('app.tenant_id'), current_setting('app.user_id'), current_setting('app.role')$$,
                  format('values (%L, %L, %L)', '', :'alice', 'member'),
                  'no references: user and role set, tenant empty');

-- super admins leave a trace in the tenant they enter
select is((select count(*)::int from tenantd.audit_log where action = 'super_admin.access'), 0,
          'no super_admin.access row so far');
select results_eq(format('select tenant_id, problem from tenantd.enter_context(array[%L], %L, %L, %L, %L)',
                         'acme', :'alice', 'super_admin', 'req-5', '/v1/tenants/acme/members'),
                  format('values (%L::uuid, null::text)', :'ta'),
                  'a super admin enters tenant A');
select results_eq($$select tenant_id, actor_id, actor_role, action, target_type, target_id, details, request_id
                      from tenantd.audit_log where action = 'super_admin.access'$$,
                  format($$values (%L::uuid, %L::uuid, 'super_admin', 'super_admin.access', 'tenant', %L,
                                   '{"route": "/v1/tenants/acme/members"}'::jsonb, 'req-5')$$,
                         :'ta', :'alice', :'ta'),
                  'and that wrote one super_admin.access audit row in A, in the same transaction');

reset role;
select * from finish();
rollback;
