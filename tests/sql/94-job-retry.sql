-- POST /v1/admin/jobs/{id}/retry: api.retry_job and its gate tenantd.operator_retry_job. A
-- registered operator retries a failed job; nobody else can, not even with a forged role; a job
-- that is not failed is refused; the retry is a job.state event.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ops '{"role": "super_admin", "subject": "tests-operator", "request_id": "t94"}'
\set forged '{"role": "super_admin", "subject": "not-registered", "request_id": "t94"}'
\set alice_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin"}'
begin;
select plan(10);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.jobs (kind, state, attempts, last_error) values ('t94.failed', 'failed', 5, 'boom') returning id as failed_id \gset
insert into tenantd.jobs (kind, state) values ('t94.queued', 'queued') returning id as queued_id \gset
set local role tenantd_app;

select throws_ok(format($$select api.retry_job(%L, %s)$$, :'alice_a', :failed_id), 'TD403', null,
                 'a tenant admin may not retry jobs');
select throws_ok(format($$select api.retry_job(%L, %s)$$, :'forged', :failed_id), null, null,
                 'an unregistered operator may not either');
select tests.act_as(:'ta'::uuid, :'alice'::uuid, 'tenant_admin');
select throws_ok(format($$select tenantd.operator_retry_job(%s)$$, :failed_id), 'TD403', null,
                 'the gate refuses a tenant context');
select set_config('app.role', 'super_admin', true), set_config('app.subject', 'not-registered', true);
select throws_ok(format($$select tenantd.operator_retry_job(%s)$$, :failed_id), 'TD403', null,
                 'the gate refuses a forged app.role = super_admin');
select throws_ok(format($$select tenantd.retry_job(%s)$$, :failed_id), '42501', null,
                 'the app role still cannot call retry_job itself');
select throws_ok(format($$select api.retry_job(%L, %s)$$, :'ops', :queued_id), 'TDC06', null,
                 'a job that is not failed is refused (invalid_state)');
select throws_ok(format($$select api.retry_job(%L, %s)$$, :'ops', 999999999999), 'TD404', null,
                 'an unknown job is not_found');
select is(((api.retry_job(:'ops', :failed_id)).body ->> 'state'), 'queued', 'an operator retries a failed job');
reset role;
select is((select attempts from tenantd.jobs where id = :failed_id), 0, 'its attempts start again');
select is((select data ->> 'state' from tenantd.events where kind = 'job.state' and (data ->> 'id')::bigint = :failed_id
            order by id desc limit 1), 'queued', 'the retry is a job.state event');

select * from finish();
rollback;
