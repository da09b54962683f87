-- users as tenantd_app: global identities, visible only to themselves (a tenant lists its
-- members with the address each membership carries, memberships.email); created, disabled and
-- deleted by super admins.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol cccccccc-0000-4000-8000-000000000001
\set dave dddddddd-0000-4000-8000-000000000001
begin;
select plan(13);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- carol belongs to no tenant; dave is a plain member of A
select tests.create_user('carol@nowhere.test', :'carol');
select tests.create_user('dave@acme.test', :'dave');
select tests.add_member(:'ta', :'dave', 'member');
create temp table b_before as select * from tenantd.users where id in (:'bob', :'carol');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.users order by email', array[:'alice']::uuid[],
                  'a member of A sees only its own identity, not the other members''');
select is_empty(format('select id from tenantd.users where id = %L or lower(email) = %L',
                       :'bob', 'bob@globex.test'),
                'A cannot select B''s member by id or email');
select is(tests.affected_rows(format('update tenantd.users set email = %L where id = %L', 'x@x.test', :'bob')),
          0, 'A cannot update B''s member');
select is(tests.affected_rows(format('delete from tenantd.users where id = %L', :'bob')), 0,
          'A cannot delete B''s member');
select is(tests.affected_rows(format('update tenantd.users set email = %L where id = %L', 'x@x.test', :'dave')),
          0, 'a tenant admin cannot edit another user''s global identity');
select is(tests.affected_rows('update tenantd.users set email = ''alice@acme.test'''), 1,
          'a user updates their own row');
select throws_ok($$update tenantd.users set disabled = true$$, 'TD403', null,
                 'a user cannot change their own disabled flag');
select throws_ok($$insert into tenantd.users (email) values ('mallory@acme.test')$$, '42501', null,
                 'a tenant admin cannot insert users directly (tenantd.create_member does)');

select tests.act_as(null, :'carol', 'member');
select results_eq('select id from tenantd.users', array[:'carol']::uuid[],
                  'a user without a tenant sees only themselves');

select tests.act_as(null, null, 'super_admin');
select is((select count(*)::int from tenantd.users), 4, 'a super admin sees every user');
select lives_ok($$insert into tenantd.users (email) values ('eve@platform.test')$$,
                'a super admin creates users');
select is(tests.affected_rows(format('update tenantd.users set disabled = true where id = %L', :'dave')),
          1, 'a super admin disables a user');

reset role;
select results_eq(format('select * from tenantd.users where id in (%L, %L) order by id', :'bob', :'carol'),
                  'select * from b_before order by id',
                  'users outside A are unchanged (checked as superuser)');

select * from finish();
rollback;
