-- tenantd.list_audit_log: audit:read, filters, newest first, keyset pages, the current tenant only;
-- tenantd.parse_rfc3339; and the app role's grants on audit_log (append-only: 06 shows the
-- refusals, here the privileges themselves).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set l1 aaaaaaaa-0000-4000-8000-000000000441
\set l2 aaaaaaaa-0000-4000-8000-000000000442
\set l3 aaaaaaaa-0000-4000-8000-000000000443
\set l4 aaaaaaaa-0000-4000-8000-000000000444
\set l5 aaaaaaaa-0000-4000-8000-000000000445
begin;
select plan(30);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();
-- A's log: the seeded row (…0004, at = now()) plus five older rows; l3 and l4 share a timestamp
insert into tenantd.audit_log (tenant_id, id, at, actor_id, actor_role, action, target_type, target_id, details)
values (:'ta', :'l1', '2024-01-01T10:00:00Z', :'alice', 'tenant_admin', 'config.created', 'config', 'general/a', '{"n": 1}'),
       (:'ta', :'l2', '2024-01-02T10:00:00Z', :'alice', 'tenant_admin', 'config.updated', 'config', 'general/a', '{"n": 2}'),
       (:'ta', :'l3', '2024-01-03T10:00:00Z', null, 'super_admin', 'super_admin.access', 'tenant', :'ta', '{}'),
       (:'ta', :'l4', '2024-01-03T10:00:00Z', :'alice', 'member', 'onboarding.step_completed', 'onboarding_step', 'profile', '{}'),
       (:'ta', :'l5', '2024-01-04T10:00:00.123456Z', :'alice', 'tenant_admin', 'config.deleted', 'config', 'general/a', '{}');
insert into tenantd.audit_log (tenant_id, at, actor_id, actor_role, action, target_type, target_id)
values (:'tb', '2024-01-02T12:00:00Z', :'bob', 'tenant_admin', 'config.created', 'config', 'general/a');

select table_privs_are('tenantd', 'audit_log', 'tenantd_app', array['SELECT', 'INSERT'],
                       'tenantd_app may only select and insert audit rows: no UPDATE, DELETE or TRUNCATE');
select table_privs_are('tenantd', 'audit_log', 'tenantd_readonly', array['SELECT'],
                       'tenantd_readonly may only select audit rows');

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq($$select id from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 100)$$,
                  format('values (%L::uuid), (%L::uuid), (%L::uuid), (%L::uuid), (%L::uuid), (%L::uuid)',
                         'aaaaaaaa-0000-4000-8000-000000000004', :'l5', :'l4', :'l3', :'l2', :'l1'),
                  'newest first, (at, id) descending, A''s rows only');
select results_eq($$select at_cursor from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 100) where id = 'aaaaaaaa-0000-4000-8000-000000000445'$$,
                  $$values ('2024-01-04T10:00:00.123456Z')$$, 'at_cursor keeps microseconds, in UTC');
select results_eq($$select id from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 2)$$,
                  format('values (%L::uuid), (%L::uuid)', 'aaaaaaaa-0000-4000-8000-000000000004', :'l5'),
                  'limit bounds the page');
select results_eq(format($$select id from tenantd.list_audit_log(null, null, null, null, null, null, %L, %L, 2)$$,
                         '2024-01-04T10:00:00.123456Z', :'l5'),
                  format('values (%L::uuid), (%L::uuid)', :'l4', :'l3'),
                  'the next page starts strictly after the cursor row, ties broken by id');
select results_eq(format($$select id from tenantd.list_audit_log(null, null, null, null, null, null, %L, %L, 2)$$,
                         '2024-01-03T10:00:00Z', :'l3'),
                  format('values (%L::uuid), (%L::uuid)', :'l2', :'l1'),
                  'and the one after that');
select results_eq($$select id from tenantd.list_audit_log('config.updated', null, null, null, null, null, null, null, 100)$$,
                  format('values (%L::uuid)', :'l2'), 'filter by action');
select results_eq(format($$select count(*)::int from tenantd.list_audit_log(null, %L, null, null, null, null, null, null, 100)$$, :'alice'),
                  'values (4)', 'filter by actor');
select results_eq(format($$select count(*)::int from tenantd.list_audit_log(null, %L, null, null, null, null, null, null, 100)$$, :'bob'),
                  'values (0)', 'an actor of another tenant finds nothing here');
select results_eq($$select id from tenantd.list_audit_log(null, null, null, 'general/a', null, null, null, null, 100)$$,
                  format('values (%L::uuid), (%L::uuid), (%L::uuid)', :'l5', :'l2', :'l1'), 'filter by target id');
select results_eq($$select id from tenantd.list_audit_log(null, null, 'tenant', null, null, null, null, null, 100)$$,
                  format('values (%L::uuid)', :'l3'), 'filter by target type');
select results_eq($$select count(*)::int from tenantd.list_audit_log(null, null, 'tenant', 'general/a', null, null, null, null, 100)$$,
                  'values (0)', 'target type and id together');
select results_eq($$select id from tenantd.list_audit_log(null, null, null, null, '2024-01-02T10:00:00Z', '2024-01-03T10:00:00Z', null, null, 100)$$,
                  format('values (%L::uuid)', :'l2'), 'from is inclusive, to exclusive');
select results_eq($$select id from tenantd.list_audit_log(null, null, null, null, '2024-01-03T11:00:00+02:00', '2024-01-04t00:00:00z', null, null, 100)$$,
                  format('values (%L::uuid), (%L::uuid)', :'l4', :'l3'), 'offsets and lower-case t/z are RFC 3339 too');
select results_eq($$select actor_id, actor_role from tenantd.list_audit_log('super_admin.access', null, null, null, null, null, null, null, 100)$$,
                  $$values (null::uuid, 'super_admin')$$, 'a super admin acting in the tenant appears with the role super_admin');

-- bad input: codes the API answers
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, 'yesterday', null, null, null, 10)$$, 'TDB06',
                 'from must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z',
                 'a word PostgreSQL would accept is not RFC 3339: TD400 invalid_timestamp');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, '2024-02-30T00:00:00Z', null, null, 10)$$, 'TDB06',
                 'to must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z', 'an impossible date: TD400');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, '2024-01-01', null, null, null, 10)$$, 'TDB06', null,
                 'a date without time: TD400');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, '2024-01-01T25:00:00Z', null, null, null, 10)$$, 'TDB06', null,
                 'hour 25: TD400');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, '2024-01-01T10:00:00', null, null, null, 10)$$, 'TDB06', null,
                 'no offset: TD400');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, '2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z', null, null, 10)$$,
                 'TDB05', 'from must not be later than to', 'from after to: TD400 invalid_time_range');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, null, 'garbage', 'aaaaaaaa-0000-4000-8000-000000000441', 10)$$,
                 'TDB03', 'the cursor is not one this service issued', 'a malformed cursor time: TD400 invalid_cursor');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, null, '2024-01-01T00:00:00Z', null, 10)$$,
                 'TDB03', null, 'half a cursor: TD400');

-- permission
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 10)$$, 'TD403',
                 'reading the audit log needs the audit:read permission', 'a member lacks audit:read: TD403');
select tests.act_as(:'tb', null, 'super_admin');
select results_eq($$select count(*)::int from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 100)$$,
                  'values (2)', 'a super admin acting in B reads B''s log only');
select tests.act_as(null, null, 'super_admin');
select throws_ok($$select * from tenantd.list_audit_log(null, null, null, null, null, null, null, null, 10)$$, 'TD400', 'no tenant context',
                 'no tenant context: TD400');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('update tenantd.audit_log set action = %L where id = %L', 'rewritten', :'l1'), '42501', null,
                 'a tenant admin cannot rewrite its audit rows');

-- parse_rfc3339 directly
select is(tenantd.parse_rfc3339('2024-05-01T12:00:00.5+02:00', 'x'), '2024-05-01T10:00:00.5Z'::timestamptz,
          'parse_rfc3339 honours the offset');
select is(tenantd.parse_rfc3339('', 'x'), null, 'parse_rfc3339 of an empty string is NULL');

select * from finish();
rollback;
