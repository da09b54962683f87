-- onboarding_steps as tenantd_app: every command limited to the current tenant; every member
-- reads the steps, changing them needs tenant:write. New tenants get the default steps from
-- tg_tenants__seed_onboarding, whoever creates them.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(24);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_readonly');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
create temp table b_before as select * from tenantd.onboarding_steps where tenant_id = :'tb';

-- seeding (tests.create_tenant inserts as the superuser; the trigger runs as the owner)
select results_eq(format('select key, title, position, required, completed_at from tenantd.onboarding_steps
                           where tenant_id = %L order by position', :'ta'),
                  $$select key, title, step_position, required, null::timestamptz
                      from tenantd.onboarding_default_steps() order by step_position$$,
                  'a new tenant gets the default steps, none completed');
select is(tests.tenant_rows('tenantd.onboarding_steps', :'tb'),
          (select count(*)::int from tenantd.onboarding_default_steps()), 'so does the second one');
select ok((select count(*) from tenantd.onboarding_default_steps() where required) > 0
          and (select count(*) from tenantd.onboarding_default_steps() where not required) > 0,
          'the defaults have required and optional steps');

-- a super admin creating a tenant through the API has no tenant context; since issue 5 the
-- steps are part of the preseed that provisioning creates (tenantd.seed_tenant_defaults inside
-- tenantd.provision_tenant), not of the insert
select tests.act_as(null, null, 'super_admin');
set local role tenantd_app;
select lives_ok($$insert into tenantd.tenants (id, slug, name) values ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'initech', 'Initech')$$,
                'a super admin without tenant context creates a tenant');
reset role;
set local role tenantd_worker;
select lives_ok($$select tenantd.provision_tenant('cccccccc-cccc-4ccc-8ccc-cccccccccccc')$$,
                'and provisions it (the job''s function)');
reset role;
select is(tests.tenant_rows('tenantd.onboarding_steps', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'),
          (select count(*)::int from tenantd.onboarding_default_steps()),
          'and it has its default steps (checked as superuser)');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select is((select count(*)::int from tenantd.onboarding_steps), (select count(*)::int from tenantd.onboarding_default_steps()),
          'A sees exactly its own steps');
select is_empty(format('select * from tenantd.onboarding_steps where tenant_id <> %L', :'ta'),
                'A cannot select other tenants'' steps');
select throws_ok(format($$insert into tenantd.onboarding_steps (tenant_id, key, title, position) values (%L, 'x', 'X', 1)$$, :'tb'),
                 '42501', null, 'A cannot insert a step with B''s tenant_id');
select lives_ok($$insert into tenantd.onboarding_steps (key, title, position, required) values ('custom', 'Custom', 15, false)$$,
                'a tenant admin of A adds a custom step without naming the tenant');
select results_eq($$select tenant_id, created_by from tenantd.onboarding_steps where key = 'custom'$$,
                  format('values (%L::uuid, %L::uuid)', :'ta', :'alice'), 'tenant_id and created_by come from the context');
select is(tests.affected_rows(format('update tenantd.onboarding_steps set completed_at = now() where tenant_id = %L', :'tb')), 0,
          'A cannot update B''s steps');
select tests.refused($$update tenantd.onboarding_steps set tenant_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' where key = 'custom'$$,
                     'A cannot move its step into B');
select is(tests.affected_rows(format('delete from tenantd.onboarding_steps where tenant_id = %L', :'tb')), 0,
          'A cannot delete B''s steps');
select is(tests.affected_rows($$update tenantd.onboarding_steps set completed_at = now() where key = 'custom'$$), 1,
          'a tenant admin of A updates its own step');
select throws_ok($$update tenantd.onboarding_steps set completed_by = null, completed_at = null, title = '' where key = 'custom'$$,
                 '23514', null, 'an empty title is refused');

-- a member reads but cannot change the steps
select tests.act_as(:'ta', :'alice', 'member');
select is((select count(*)::int from tenantd.onboarding_steps), (select count(*)::int from tenantd.onboarding_default_steps()) + 1,
          'a member reads A''s steps');
select is(tests.affected_rows($$update tenantd.onboarding_steps set completed_at = now()$$), 0, 'a member cannot update steps');
select is(tests.affected_rows($$delete from tenantd.onboarding_steps$$), 0, 'a member cannot delete steps');
select throws_ok($$insert into tenantd.onboarding_steps (key, title, position) values ('m', 'M', 1)$$,
                 '42501', null, 'a member cannot insert steps');

-- fail closed: no context
select tests.act_as(null, :'alice', 'super_admin');
select is((select count(*)::int from tenantd.onboarding_steps), 0, 'no tenant context: no steps, even for a super admin');
select is(tests.affected_rows($$update tenantd.onboarding_steps set completed_at = now()$$), 0,
          'no tenant context: updates touch nothing');

-- tenantd_readonly: RLS applies to it too
reset role;
set local role tenantd_readonly;
select is((select count(*)::int from tenantd.onboarding_steps where tenant_id <> :'ta'), 0,
          'tenantd_readonly acting in A sees no other tenant''s steps');

reset role;
select results_eq(format('select * from tenantd.onboarding_steps where tenant_id = %L order by id', :'tb'),
                  'select * from b_before order by id', 'B''s steps are unchanged (checked as superuser)');

select * from finish();
rollback;
