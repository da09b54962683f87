-- tenants as tenantd_app: a request sees and edits only the tenant it acts in; creating and
-- deleting tenants, and changing plan or lifecycle, take a super admin.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(15);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
create temp table b_before as select * from tenantd.tenants where id = :'tb';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.tenants', array[:'ta'::uuid],
                  'A sees exactly its own tenant row');
select is_empty(format('select * from tenantd.tenants where id = %L or slug = %L', :'tb', 'globex'),
                'A cannot select B by id or slug');
select is(tests.affected_rows('update tenantd.tenants set description = ''ours'''), 1,
          'a tenant admin updates their own tenant');
select is(tests.affected_rows(format('update tenantd.tenants set name = %L where id = %L', 'Pwned', :'tb')),
          0, 'A cannot update B');
select is(tests.affected_rows(format('delete from tenantd.tenants where id = %L', :'tb')), 0,
          'A cannot delete B');
select is(tests.affected_rows(format('delete from tenantd.tenants where id = %L', :'ta')), 0,
          'a tenant admin cannot delete their own tenant (super admin only)');
select throws_ok($$insert into tenantd.tenants (slug, name) values ('intruder', 'Intruder')$$,
                 '42501', null, 'a tenant admin cannot create tenants');
select throws_ok($$update tenantd.tenants set plan = 'enterprise'$$, 'TD403', null,
                 'a tenant admin cannot change their plan');
select throws_ok($$update tenantd.tenants set deleted_at = now()$$, 'TD403', null,
                 'a tenant admin cannot soft-delete their tenant');

select tests.act_as(:'ta', :'alice', 'member');
select is(tests.affected_rows('update tenantd.tenants set description = ''member edit'''), 0,
          'a plain member cannot update their tenant');

select tests.act_as(null, :'alice', 'super_admin');
select results_eq('select id from tenantd.tenants order by slug', array[:'ta', :'tb']::uuid[],
                  'a super admin sees every tenant');
select lives_ok($$insert into tenantd.tenants (slug, name) values ('initech', 'Initech')$$,
                'a super admin creates tenants');
select results_eq($$select created_by, updated_by, created_at = now(), status, plan
                      from tenantd.tenants where slug = 'initech'$$,
                  format($$values (%L::uuid, %L::uuid, true, 'pending', 'free')$$, :'alice', :'alice'),
                  'a new tenant is stamped by the trigger and starts pending on the free plan');
select is(tests.affected_rows(format('update tenantd.tenants set plan = %L where id = %L', 'pro', :'ta')),
          1, 'a super admin changes a plan');

reset role;
select results_eq(format('select * from tenantd.tenants where id = %L', :'tb'), 'table b_before',
                  'B''s tenant row is unchanged (checked as superuser)');

select * from finish();
rollback;
