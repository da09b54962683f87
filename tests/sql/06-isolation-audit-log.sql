-- audit_log as tenantd_app: insert and read within the current tenant; no updates or deletes,
-- not even of the tenant's own rows. Actor, role and request id default from the context.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set la aaaaaaaa-0000-4000-8000-000000000004
\set lb bbbbbbbb-0000-4000-8000-000000000004
begin;
select plan(12);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();
create temp table before as select * from tenantd.audit_log order by id;

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.audit_log', array[:'la'::uuid],
                  'A sees exactly its own audit rows');
select is_empty(format('select * from tenantd.audit_log where tenant_id = %L or id = %L', :'tb', :'lb'),
                'A cannot select B''s audit rows');
select throws_ok(format('insert into tenantd.audit_log (tenant_id, action) values (%L, %L)', :'tb', 'forged'),
                 '42501', null, 'A cannot write an audit row into B');
select lives_ok($$insert into tenantd.audit_log (action, target_type, target_id) values ('thing.done', 'thing', '42')$$,
                'A appends an audit row without naming the tenant');
select results_eq($$select tenant_id, actor_id, actor_role, request_id from tenantd.audit_log where action = 'thing.done'$$,
                  format('values (%L::uuid, %L::uuid, %L, %L)', :'ta', :'alice', 'tenant_admin', 'test-request'),
                  'tenant, actor, role and request id come from the context');
select throws_ok(format('update tenantd.audit_log set action = %L where id = %L', 'rewritten', :'la'),
                 '42501', null, 'A cannot update its own audit rows');
select throws_ok(format('delete from tenantd.audit_log where id = %L', :'la'),
                 '42501', null, 'A cannot delete its own audit rows');
select throws_ok(format('update tenantd.audit_log set action = %L where id = %L', 'rewritten', :'lb'),
                 '42501', null, 'A cannot update B''s audit rows');
select throws_ok(format('delete from tenantd.audit_log where tenant_id = %L', :'tb'),
                 '42501', null, 'A cannot delete B''s audit rows');

-- tenantd_readonly: reads, RLS applies to it too
reset role;
set local role tenantd_readonly;
select results_eq('select id from tenantd.audit_log order by at, id',
                  format('select id from tenantd.audit_log where tenant_id = %L order by at, id', :'ta'),
                  'tenantd_readonly acting in A sees only A''s audit rows');
select throws_ok($$insert into tenantd.audit_log (action) values ('readonly.write')$$, '42501', null,
                 'tenantd_readonly cannot write');

reset role;
select results_eq(format('select * from tenantd.audit_log where action <> %L order by id', 'thing.done'),
                  'select * from before order by id',
                  'the seeded audit rows of A and B are unchanged (checked as superuser)');

select * from finish();
rollback;
