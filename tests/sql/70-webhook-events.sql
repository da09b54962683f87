-- tenantd.webhook_events and the functions the HTTP endpoint, the job's failure hook and the
-- maintenance sweep call, as tenantd_worker (the only role that may): one row and one job per event id,
-- redeliveries change nothing, unknown types are acknowledged without a job, failures are
-- recorded, old events are swept.
begin;
select plan(20);
select tests.share_tap_with('tenantd_worker');

set local role tenantd_worker;
select is(tenantd.receive_webhook_event('msg_t70_a', 'user.created', '{"type":"user.created","data":{"id":"user_1"}}'),
          true, 'a new event id is recorded');
select is(tenantd.receive_webhook_event('msg_t70_a', 'user.created', '{"type":"user.created","data":{"id":"user_1"}}'),
          false, 'a redelivery of the same id is recognised');
select is(tenantd.receive_webhook_event('msg_t70_a', 'organization.deleted', '{"type":"organization.deleted","data":{}}'),
          false, 'a redelivery with another body changes nothing either');
select is(tenantd.receive_webhook_event('msg_t70_u', 'email.created', '{"type":"email.created","data":{}}'),
          true, 'an unknown type is recorded');
select throws_ok($$select count(*) from tenantd.webhook_events$$, '42501', null,
                 'the worker role cannot read the events table either');
select throws_ok($$select tenantd.receive_webhook_event('', 'user.created', '{}')$$, 'TDB04', null,
                 'an empty id is refused');
select throws_ok($$select tenantd.receive_webhook_event('msg_t70_b', 'user.created', '[]')$$, 'TDB04', null,
                 'a payload that is not an object is refused');
reset role;

select results_eq($$select type, status, attempts, payload -> 'data' ->> 'id'
                      from tenantd.webhook_events where id = 'msg_t70_a'$$,
                  $$values ('user.created'::text, 'processing'::text, 0, 'user_1'::text)$$,
                  'one row, processing, with the first delivery''s payload');
select results_eq($$select count(*)::int, min(payload ->> 'event_id'), min(dedupe_key), min(state)
                      from tenantd.jobs where kind = 'webhook.process' and payload ->> 'event_id' = 'msg_t70_a'$$,
                  $$values (1, 'msg_t70_a'::text, 'webhook:msg_t70_a'::text, 'queued'::text)$$,
                  'exactly one queued webhook.process job for it');
select results_eq($$select status, processed_at is not null from tenantd.webhook_events where id = 'msg_t70_u'$$,
                  $$values ('completed'::text, true)$$, 'the unknown type is completed at once');
select is_empty($$select 1 from tenantd.jobs where payload ->> 'event_id' = 'msg_t70_u'$$,
                'and gets no job');

-- failure hook
set local role tenantd_worker;
select tenantd.fail_webhook_event('msg_t70_a', 'unknown_organization: not yet', 1);
select tenantd.fail_webhook_event('msg_t70_u', 'should not land', 3);
reset role;
select results_eq($$select status, attempts, last_error from tenantd.webhook_events where id = 'msg_t70_a'$$,
                  $$values ('failed'::text, 1, 'unknown_organization: not yet'::text)$$,
                  'a failed attempt records status, attempts and error');
select results_eq($$select status, last_error from tenantd.webhook_events where id = 'msg_t70_u'$$,
                  $$values ('completed'::text, null::text)$$, 'a completed event is never marked failed');

-- the apply function with a completed or missing event is a no-op
set local role tenantd_worker;
select is(tenantd.apply_webhook_event('msg_t70_u', 1), 'event already completed', 'applying a completed event does nothing');
select is(tenantd.apply_webhook_event('msg_t70_none', 1), 'event no longer recorded', 'applying a swept event does nothing');
reset role;

-- retention
insert into tenantd.webhook_events (id, type, payload, status, received_at) values
  ('msg_t70_old_done', 'user.created', '{}', 'completed', now() - interval '31 days'),
  ('msg_t70_old_failed', 'user.created', '{}', 'failed', now() - interval '31 days'),
  ('msg_t70_old_busy', 'user.created', '{}', 'processing', now() - interval '31 days'),
  ('msg_t70_recent', 'user.created', '{}', 'completed', now() - interval '29 days');
set local role tenantd_worker;
select is(tenantd.sweep_webhook_events(30) >= 2, true, 'the sweep deletes old events');
select throws_ok($$select tenantd.sweep_webhook_events(0)$$, 'TD422', null, 'a retention under one day is refused');
reset role;
select results_eq($$select id from tenantd.webhook_events where id like 'msg_t70_old%' or id = 'msg_t70_recent' order by id$$,
                  $$values ('msg_t70_old_busy'::text), ('msg_t70_recent'::text)$$,
                  'completed and failed old events are gone; processing and recent ones stay');

select ok(exists (select 1 from tenantd.global_tables() where table_name = 'tenantd.webhook_events'),
          'webhook_events is a listed global table');
select is_empty($$select * from tenantd.rls_audit()$$, 'the RLS audit stays empty');

select * from finish();
rollback;
