-- Sign-up and provisioning functions (issue 5): api.signup (pending tenant + job, nothing of the
-- preseed; slug and external_id decided by unique constraints), tenantd.provision_tenant (the
-- whole preseed in one go, verified; idempotent), tenantd.verify_preseed, a failed provisioning
-- leaving no preseed rows, api.reprovision_tenant, api.tenant_status, the invitation reveal,
-- api.signup_rate_hit; and tenant_signups isolation as tenantd_app.
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
begin;
select plan(36);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
create temp table ids (name text primary key, id uuid);
grant all on ids to tenantd_app, tenantd_worker;

set local role tenantd_app;
insert into ids select 'pw', tenant_id from api.signup('T60 Password', 't60-pw', 'pro', 'boss@t60.test', 'scrypt-hash', null);
insert into ids select 'inv', tenant_id from api.signup('T60 Invite', null, 'free', 'inv@t60.test', null, 'org_t60',
                                                       decode(repeat('01', 32), 'hex'), sha256('t60-token'::bytea));
reset role;
select is((select status from tenantd.tenants where id = (select id from ids where name = 'pw')), 'pending',
          'api.signup creates a pending tenant');
select is((select slug from tenantd.tenants where id = (select id from ids where name = 'inv')), 't60-invite',
          'the slug is derived from the name when none is given');
select is((select count(*)::int from tenantd.jobs where dedupe_key = 'provision:' || (select id from ids where name = 'pw')),
          1, 'and enqueues its provisioning job');
select is((select count(*)::int from tenantd.roles where tenant_id in (select id from ids))
          + (select count(*)::int from tenantd.onboarding_steps where tenant_id in (select id from ids))
          + (select count(*)::int from tenantd.tenant_configs where tenant_id in (select id from ids)), 0,
          'no preseed before provisioning');
select is((select action from tenantd.audit_log where tenant_id = (select id from ids where name = 'pw')),
          'tenant.created', 'one tenant.created audit row');

set local role tenantd_app;
select throws_ok($$select api.signup('Dup', 't60-pw', 'free', 'x@t60.test', 'h', null)$$, 'TDC12',
                 'slug t60-pw is already taken', 'a taken slug is TD409 slug_taken');
select throws_ok($$select api.signup('Bad', 'www', 'free', 'x@t60.test', 'h', null)$$, 'TDV05', null, 'a reserved slug is TD422');
select throws_ok($$select api.signup('Bad', null, 'platinum', 'x@t60.test', 'h', null)$$, 'TDV08', null, 'an unknown plan is TD422');
select throws_ok($$select api.signup('Bad', null, 'free', 'nope', 'h', null)$$, 'TDV03', null, 'a bad email is TD422');
select throws_ok($$select api.signup(' ', null, 'free', 'x@t60.test', 'h', null)$$, 'TD422', null, 'an empty name is TD422');
select throws_ok($$select api.signup('Bad', null, 'free', 'x@t60.test', null, null)$$, 'TD422', null,
                 'an admin email needs a password hash or an invitation');
select results_eq($$select created from api.signup('Other name', null, 'free', null, null, 'org_t60')$$,
                  array[false], 'a known external_id returns its tenant, created = false');
reset role;
select is((select count(*)::int from tenantd.tenants where external_id = 'org_t60'), 1, 'and creates nothing');

-- provisioning (the job's functions: worker role only)
set local role tenantd_worker;
select is(tenantd.provision_tenant((select id from ids where name = 'pw'), 1), 'active', 'provision_tenant activates');
select is(tenantd.provision_tenant((select id from ids where name = 'inv'), 1), 'active', 'the invitation sign-up too');
select is(current_setting('app.role', true), '', 'and leaves the caller''s context as it was');
reset role;
select is(tenantd.verify_preseed((select id from ids where name = 'pw')), '{}'::text[], 'verify_preseed finds nothing missing');
select is((select count(*)::int from tenantd.roles where tenant_id = (select id from ids where name = 'pw') and built_in), 3,
          'three built-in roles');
select is((select count(*)::int from tenantd.tenant_configs where tenant_id = (select id from ids where name = 'pw')),
          (select count(*)::int from tenantd.plans p, jsonb_object_keys(p.features) where p.id = 'pro'),
          'one features row per plan feature');
select results_eq($$select m.password_hash, m.source, m.accepted_at is null from tenantd.memberships m
                     where m.tenant_id = (select id from ids where name = 'pw') and m.role = 'tenant_admin'$$,
          $$values ('scrypt-hash', 'signup', true)$$,
          'the admin membership holds the given password hash as its own credential, not yet taken up');
select is((select admin_password_hash from tenantd.tenant_signups where tenant_id = (select id from ids where name = 'pw')),
          null, 'the hash is not kept in tenant_signups');
select is((select token_hash from tenantd.invitations where tenant_id = (select id from ids where name = 'inv')),
          sha256('t60-token'::bytea), 'without a password: a tenant_admin invitation with the sign-up''s token hash');
delete from tenantd.roles where tenant_id = (select id from ids where name = 'pw') and name = 'read_only';
select is(tenantd.verify_preseed((select id from ids where name = 'pw')), array['missing built-in roles: read_only'],
          'verify_preseed names what is missing');

create temp table before_again as select (select count(*) from tenantd.audit_log where tenant_id = (select id from ids where name = 'inv')) as n;
set local role tenantd_worker;
select is(tenantd.provision_tenant((select id from ids where name = 'inv'), 2), 'active', 'running it again for an active tenant');
reset role;
select is((select count(*) from tenantd.audit_log where tenant_id = (select id from ids where name = 'inv')),
          (select n from before_again), 'changes nothing');

-- a failing step: a plan whose configuration violates a constraint
insert into tenantd.plans (id, name, features) values ('t60_broken', 'Broken', '{"Bad Key": 1}');
set local role tenantd_app;
insert into ids select 'bad', tenant_id from api.signup('T60 Broken', null, 't60_broken', 'b@t60.test', 'h', null);
reset role;
set local role tenantd_worker;
select throws_ok($$select tenantd.provision_tenant((select id from ids where name = 'bad'), 1)$$, '23514', null,
                 'a provisioning step that violates a constraint fails');
select lives_ok($$select tenantd.provisioning_failed((select id from ids where name = 'bad'), 'ERROR:  boom', 1, true)$$,
                'the on_failure hook records it');
reset role;
set local role tenantd_app;
select is((select status from api.tenant_status((select id from ids where name = 'bad'))), 'failed', 'status failed');
select is((select error_code from api.tenant_status((select id from ids where name = 'bad'))), 'provisioning_failed',
          'with an error code and no error text');
select throws_ok($$select api.reprovision_tenant((select id from ids where name = 'bad'))$$, 'TD403', null,
                 'reprovision needs a super admin');
reset role;
select is((select count(*)::int from tenantd.roles where tenant_id = (select id from ids where name = 'bad')), 0,
          'no preseed rows after the failure');
update tenantd.plans set features = '{"sso": true}' where id = 't60_broken';
select tests.act_as(null, null, 'super_admin');
set local role tenantd_app;
select is((select status from api.reprovision_tenant((select id from ids where name = 'bad'))), 'failed',
          'a super admin reprovisions a failed tenant');
reset role;
set local role tenantd_worker;
select is(tenantd.provision_tenant((select id from ids where name = 'bad'), 1), 'active', 'and the job activates it');
reset role;
set local role tenantd_app;

-- tenant_signups isolation: the app sees nothing, even in the tenant's own context
select tests.act_as((select id from ids where name = 'pw'), null, 'tenant_admin');
select throws_ok('select * from tenantd.tenant_signups', '42501', null, 'tenantd_app cannot read tenant_signups');
select throws_ok('select * from tenantd.signup_attempts', '42501', null, 'nor signup_attempts');
select is(array[api.signup_rate_hit('10.60.0.1', 1), least(api.signup_rate_hit('10.60.0.1', 1), 1)], array[0, 1],
          'signup_rate_hit: the first attempt of a minute passes, the second over the limit waits');
reset role;
select * from finish();
rollback;
