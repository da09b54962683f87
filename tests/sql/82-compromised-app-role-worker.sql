-- Compromised app role, worker half: assume an attacker runs any SQL as tenantd_app, inside a
-- member's tenant context. The functions that run jobs, provision tenants, record and apply
-- identity-provider webhooks and sweep old rows belong to tenantd_worker alone: every call
-- from tenantd_app fails with insufficient_privilege (42501), and tenantd_worker, a role with
-- no rights of its own, can make each of them.
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
begin;
select plan(48);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
-- a signed-up tenant waiting for its provisioning job (no preseed yet)
insert into tenantd.tenants (id, slug, name, status)
values ('bbbbbbbb-0082-4000-8000-000000000082', 't82-pending', 'T82 Pending', 'pending');

-- every worker-only function, called the way its caller does
create temp table calls (name text primary key, call text not null);
grant select on calls to tenantd_app, tenantd_worker;
insert into calls values
  ('provision_tenant',       $$select tenantd.provision_tenant('bbbbbbbb-0082-4000-8000-000000000082', 1)$$),
  ('provisioning_failed',    $$select tenantd.provisioning_failed('bbbbbbbb-0082-4000-8000-000000000082', 'ERROR:  boom', 1, false)$$),
  ('receive_webhook_event',  $$select tenantd.receive_webhook_event('msg_t82', 'user.created', '{"type":"user.created","data":{}}')$$),
  ('apply_webhook_event',    $$select tenantd.apply_webhook_event('msg_t82_none', 1)$$),
  ('fail_webhook_event',     $$select tenantd.fail_webhook_event('msg_t82_none', 'boom', 1)$$),
  ('enqueue_job',            $$select tenantd.enqueue_job('test.t82')$$),
  ('claim_job',              $$select tenantd.claim_job('w82', 60, array['test.t82_none'])$$),
  ('lock_job',               $$select tenantd.lock_job(-1, 'w82')$$),
  ('complete_job',           $$select tenantd.complete_job(-1, 'w82')$$),
  ('fail_job',               $$select tenantd.fail_job(-1, 'w82', 'boom', 1000)$$),
  ('retry_job',              $$select tenantd.retry_job(-1)$$),
  ('cleanup_sessions',       $$select tenantd.cleanup_sessions(7)$$),
  ('sweep_idempotency_keys', $$select tenantd.sweep_idempotency_keys()$$),
  ('sweep_jobs',             $$select tenantd.sweep_jobs(7)$$),
  ('sweep_signup_attempts',  $$select tenantd.sweep_signup_attempts()$$),
  ('sweep_webhook_events',   $$select tenantd.sweep_webhook_events(30)$$),
  ('sweep_login_attempts',   $$select tenantd.sweep_login_attempts()$$),
  ('snapshot_usage',         $$select tenantd.snapshot_usage('2000-01-01')$$);

-- the role itself
select ok((select rolcanlogin and not rolsuper and not rolbypassrls and not rolcreaterole and not rolcreatedb
             from pg_roles where rolname = 'tenantd_worker'),
          'tenantd_worker logs in and has no superuser, BYPASSRLS, CREATEROLE or CREATEDB');
select is((select count(*)::int from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'tenantd_worker')
          + (select count(*)::int from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname = 'tenantd_worker'),
          0, 'tenantd_worker owns nothing');
select ok(not pg_has_role('tenantd_worker', 'tenantd_owner', 'member')
          and not pg_has_role('tenantd_worker', 'tenantd_app', 'member')
          and not pg_has_role('tenantd_app', 'tenantd_worker', 'member'),
          'tenantd_worker is a member of neither the owner nor the app role, nor the other way round');

-- the attack: a tenantd_app session with a member's context calls each one
select tests.act_as(:'ta', :'alice', 'member');
set local role tenantd_app;
select throws_ok(c.call, '42501', null, 'tenantd_app cannot call ' || c.name) from calls c order by c.name;
-- nor can it reach what they guard directly
select throws_ok('select count(*) from tenantd.jobs', '42501', null, 'tenantd_app cannot read jobs');
select throws_ok('select count(*) from tenantd.webhook_events', '42501', null, 'tenantd_app cannot read webhook_events');
reset role;

-- and nothing changed
select is((select count(*)::int from tenantd.jobs where kind = 'test.t82'), 0, 'no job was enqueued');
select is((select count(*)::int from tenantd.webhook_events where id = 'msg_t82'), 0, 'no webhook event was recorded');
select is((select status from tenantd.tenants where id = 'bbbbbbbb-0082-4000-8000-000000000082'), 'pending',
          'the pending tenant was not provisioned');

-- the worker makes each call (no context, as the job workers run)
select tests.act_as(null, null, null);
set local role tenantd_worker;
select lives_ok(c.call, 'tenantd_worker may call ' || c.name) from calls c order by c.name;
select throws_ok('select count(*) from tenantd.jobs', '42501', null, 'tenantd_worker cannot read jobs directly either');
reset role;
select is((select count(*)::int from tenantd.jobs where kind = 'test.t82'), 1, 'the worker enqueued its job');
select is((select count(*)::int from tenantd.webhook_events where id = 'msg_t82'), 1, 'and recorded its webhook event');

-- grants say the same for every function granted to the worker (none is left to tenantd_app);
-- the shared ones only read or set the caller's own context (set_context and propagate_context
-- are set_config in the form Citus forwards, citus_transaction_block the zero-row lock that makes
-- Citus send them; tenantd.enter (with enter_checked, which it runs) and tenantd.reply
-- too: webhook receipt is an endpoint function, api.receive_webhook_event, run as the worker)
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'tenantd' and has_function_privilege('tenantd_worker', p.oid, 'execute')
     and has_function_privilege('tenantd_app', p.oid, 'execute')
     and p.proname not in ('current_tenant_id', 'current_user_id', 'current_role_name', 'current_request_id',
                           'is_super_admin', 'has_permission', 'parse_uuid', 'enter', 'enter_checked', 'reply',
                           'set_context', 'propagate_context', 'citus_transaction_block')
$$, 'no function executable by tenantd_worker is executable by tenantd_app (context helpers aside)');

select * from finish();
rollback;
