-- memberships as tenantd_app: every command limited to the current tenant; tenant_id comes
-- from the context; the stamp trigger owns created_*/updated_*.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
\set ma aaaaaaaa-0000-4000-8000-000000000002
\set mb bbbbbbbb-0000-4000-8000-000000000002
begin;
select plan(15);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
create temp table b_before as select * from tenantd.memberships where tenant_id = :'tb';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.memberships', array[:'ma'::uuid],
                  'A sees exactly its own memberships');
select is_empty(format('select id from tenantd.memberships where tenant_id = %L or id = %L', :'tb', :'mb'),
                'A cannot select B''s memberships');
select throws_ok(format('insert into tenantd.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
                        :'tb', :'carol', 'member'),
                 '42501', null, 'A cannot insert a membership with B''s tenant_id');

-- insert without tenant_id: it comes from the context
select lives_ok(format('insert into tenantd.memberships (user_id, role, created_at, created_by) values (%L, %L, %L, %L)',
                       :'carol', 'member', '2000-01-01', :'bob'),
                'A inserts a membership without naming the tenant');
select results_eq(format('select tenant_id, created_by, updated_by, created_at = now(), updated_at = now()
                            from tenantd.memberships where user_id = %L', :'carol'),
                  format('values (%L::uuid, %L::uuid, %L::uuid, true, true)', :'ta', :'alice', :'alice'),
                  'tenant_id is filled from the context and created_*/updated_* by the trigger, whatever the insert said');

select is(tests.affected_rows(format('update tenantd.memberships set role = %L where tenant_id = %L', 'member', :'tb')),
          0, 'A cannot update B''s memberships');
select is(tests.affected_rows(format('update tenantd.memberships set role = %L where id = %L', 'member', :'mb')),
          0, 'A cannot update B''s membership by id');
select tests.refused(format('update tenantd.memberships set tenant_id = %L where user_id = %L', :'tb', :'carol'),
                     'A cannot move its membership into B');
select is(tests.affected_rows(format('delete from tenantd.memberships where tenant_id = %L', :'tb')), 0,
          'A cannot delete B''s memberships');
select is(tests.affected_rows(format('update tenantd.memberships set role = %L where user_id = %L', 'read_only', :'carol')),
          1, 'A updates its own membership');

-- an older row updated by someone else: created_* stay, updated_* follow the context
reset role;
set local session_replication_role = replica;  -- seed an old created_at past the trigger
update tenantd.memberships
   set created_at = '2000-01-01', updated_at = '2000-01-01', created_by = :'alice', updated_by = :'alice'
 where id = :'ma';
set local session_replication_role = origin;
select tests.act_as(:'ta', :'carol', 'tenant_admin');
set local role tenantd_app;
select is(tests.affected_rows(format('update tenantd.memberships set role = %L, created_by = %L where id = %L',
                                     'tenant_admin', :'carol', :'ma')),
          1, 'another user of A updates alice''s membership');
select results_eq(format('select created_at, created_by, updated_at = now(), updated_by
                            from tenantd.memberships where id = %L', :'ma'),
                  format('values (%L::timestamptz, %L::uuid, true, %L::uuid)', '2000-01-01', :'alice', :'carol'),
                  'on update created_* are kept and updated_* set from the context');

select is(tests.affected_rows(format('delete from tenantd.memberships where user_id = %L', :'carol')), 1,
          'A deletes its own membership');

reset role;
select results_eq(format('select * from tenantd.memberships where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s memberships are unchanged (checked as superuser)');
select is(tests.tenant_rows('tenantd.memberships', :'tb'), 1,
          'B still has its one membership');

select * from finish();
rollback;
