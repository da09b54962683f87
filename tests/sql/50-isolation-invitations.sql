-- invitations as tenantd_app: every command limited to the current tenant and to callers with
-- invitations:write; the token hash is not readable at all; rows are never deleted.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set ia aaaaaaaa-0000-4000-8000-000000000050
\set ib bbbbbbbb-0000-4000-8000-000000000050
begin;
select plan(19);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.invitations (tenant_id, id, email, role, token_hash, expires_at)
values (:'ta', :'ia', 'carol@example.test', 'member', sha256('token-a'), now() + interval '7 days'),
       (:'tb', :'ib', 'dave@example.test', 'member', sha256('token-b'), now() + interval '7 days');
create temp table b_before as select * from tenantd.invitations where tenant_id = :'tb';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.invitations', array[:'ia'::uuid],
                  'A''s admin sees exactly A''s invitations');
select is_empty(format('select id from tenantd.invitations where tenant_id = %L or id = %L', :'tb', :'ib'),
                'A cannot select B''s invitations by tenant or id');
select throws_ok('select token_hash from tenantd.invitations', '42501', null,
                 'the app role cannot read token hashes at all');
select throws_ok(format($$insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at, invited_by)
                          values (%L, 'x@example.test', 'member', sha256('x'), now() + interval '1 day', %L)$$,
                        :'tb', :'alice'),
                 '42501', null, 'A cannot insert an invitation into B');
select throws_ok(format($$insert into tenantd.invitations (email, role, token_hash, expires_at, invited_by)
                          values ('x@example.test', 'member', sha256('x'), now() + interval '1 day', %L)$$,
                        :'bob'),
                 '42501', null, 'an invitation must name its real inviter');
select lives_ok(format($$insert into tenantd.invitations (email, role, token_hash, expires_at, invited_by)
                         values ('x@example.test', 'member', sha256('x'), now() + interval '1 day', %L)$$,
                       :'alice'),
                'A''s admin inserts an invitation without naming the tenant');
-- the app role may name status and the stamps in an insert (Citus sends every defaulted column,
-- policies/invitations.sql), but cannot forge them
select throws_ok(format($$insert into tenantd.invitations (email, role, token_hash, expires_at, invited_by, status)
                          values ('y@example.test', 'member', sha256('y'), now() + interval '1 day', %L, 'accepted')$$,
                        :'alice'),
                 '42501', null, 'a new invitation cannot be born accepted');
select is(tests.affected_rows(format($$update tenantd.invitations set status = 'revoked', revoked_at = now()
                                       where id = %L$$, :'ib')),
          0, 'A cannot revoke B''s invitation');
select throws_ok(format('update tenantd.invitations set email = %L where id = %L', 'evil@example.test', :'ia'),
                 '42501', null, 'the email of an invitation cannot be changed');
select throws_ok(format('delete from tenantd.invitations where id = %L', :'ia'), '42501', null,
                 'invitations are never deleted by the app role');
select is(tests.affected_rows(format($$update tenantd.invitations set status = 'revoked', revoked_at = now()
                                       where id = %L$$, :'ia')),
          1, 'A''s admin revokes A''s invitation');

-- a plain member has no invitations:write
select tests.act_as(:'ta', :'alice', 'member');
select is_empty('select id from tenantd.invitations', 'a member sees no invitations');
select throws_ok(format($$insert into tenantd.invitations (email, role, token_hash, expires_at, invited_by)
                          values ('y@example.test', 'member', sha256('y'), now() + interval '1 day', %L)$$,
                        :'alice'),
                 '42501', null, 'a member cannot insert invitations');
select is(tests.affected_rows(format($$update tenantd.invitations set status = 'pending', revoked_at = null
                                       where id = %L$$, :'ia')),
          0, 'a member cannot change invitations');

-- no context: nothing
select tests.act_as(null, :'alice', 'tenant_admin');
select is_empty('select id from tenantd.invitations', 'no tenant context: no invitations');
-- the invitee's own policy: only an invitation naming their own address, only to 'accepted'
select tests.act_as(:'tb', :'alice', 'member');
select is(tests.affected_rows(format($$update tenantd.invitations set status = 'accepted', accepted_at = now(),
                                       accepted_by = %L where id = %L$$, :'alice', :'ib')),
          0, 'a user cannot accept an invitation addressed to someone else');

reset role;
select results_eq(format('select * from tenantd.invitations where tenant_id = %L', :'tb'), 'table b_before',
                  'B''s invitations are unchanged (checked as superuser)');
select is(tests.tenant_rows('tenantd.invitations', :'ta'), 2,
          'A has its seeded and its new invitation');

-- last, since it adds a row to A: the stamps of a new invitation are not the caller's
-- (the trigger's now(): this transaction's start on one node; on Citus the start of the worker's
-- transaction, which begins later, so the stamp lies between now() and the clock)
select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select results_eq(format($$with i as (
                             insert into tenantd.invitations (email, role, token_hash, expires_at, invited_by,
                                                              status, created_at, updated_at)
                             values ('z@example.test', 'member', sha256('z'), now() + interval '1 day', %L,
                                     'pending', '2000-01-01', '2000-01-01')
                             returning created_at, updated_at)
                           select created_at between now() and clock_timestamp(),
                                  updated_at between now() and clock_timestamp() from i$$, :'alice'),
                  $$values (true, true)$$,
                  'the stamps of a new invitation are the trigger''s, whatever the insert said');
reset role;

select * from finish();
rollback;
