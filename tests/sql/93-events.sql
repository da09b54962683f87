-- The live events (tenantd.events, the triggers of sql/22, the replay functions): what is
-- recorded, who reads it, that nobody but the owner writes it, and that the public replay of
-- one tenant's status shows neither another tenant's events nor an operator-only kind.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ops '{"role": "super_admin", "subject": "tests-operator", "request_id": "t93"}'
\set alice_a '{"refs": ["acme"], "user_id": "aaaaaaaa-0000-4000-8000-000000000001", "role": "tenant_admin"}'
\set public '{"request_id": "t93-public", "client": "192.0.2.1"}'
begin;
select plan(28);
select tests.share_tap_with('tenantd_app');
-- the last event id before this test: the database may hold others from earlier runs
select coalesce(max(id), 0) as first_id from tenantd.events \gset
select tests.seed_two_tenants();

-- what the triggers record (as the superuser seeding the test)
select is((select count(*)::int from tenantd.events where tenant_id = :'ta' and kind = 'tenant.status'),
          1, 'creating a tenant records one tenant.status event');
update tenantd.tenants set status = 'suspended', suspended_at = now() where id = :'tb';
select is((select data ->> 'status' from tenantd.events where tenant_id = :'tb' and kind = 'tenant.status'
            order by id desc limit 1),
          'suspended', 'a status change records the new status');
update tenantd.tenants set name = 'Globex Renamed' where id = :'tb';
select is((select count(*)::int from tenantd.events where tenant_id = :'tb' and id > :first_id),
          2, 'a change that is not a status change records nothing');
select is((select array_agg(k order by k) from tenantd.events e, jsonb_object_keys(e.data) k
            where e.tenant_id = :'ta' and e.kind = 'tenant.status'),
          array['activated_at', 'attempts', 'created_at', 'error_code', 'provisioning_completed_at',
                'provisioning_started_at', 'provisioning_status', 'status', 'tenant_id'],
          'a tenant.status event holds the public status fields only (no name, slug or token)');
select tenantd.enqueue_job('provision', jsonb_build_object('tenant_id', :'ta', 'secret_marker', 'zz93'),
                           now(), 5, null) as job_id \gset
select is((select data ->> 'state' from tenantd.events where kind = 'job.state' and (data ->> 'id')::bigint = :job_id),
          'queued', 'enqueueing a job records a job.state event');
select is((select tenant_id from tenantd.events where kind = 'job.state' and (data ->> 'id')::bigint = :job_id),
          :'ta'::uuid, 'the job event names the payload''s tenant');
select unalike((select data::text from tenantd.events where kind = 'job.state' and (data ->> 'id')::bigint = :job_id),
               '%zz93%', 'the job event does not carry the payload');
insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at)
values (:'ta', 'shop.acme-example.org', repeat('t', 43), 'acme.tenantd.test', now() + interval '1 day');
select is((select data ->> 'status' from tenantd.events where kind = 'domain.status' and tenant_id = :'ta'),
          'pending', 'claiming a domain records a domain.status event');
select unalike((select data::text from tenantd.events where kind = 'domain.status' and tenant_id = :'ta'),
               '%tttttttttt%', 'the domain event does not carry the verification token');

-- who reads: nobody but registered operators, through the policies
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is_empty('select 1 from tenantd.events', 'a tenant admin reads no events, not even its own tenant''s');
select tests.act_as(null, null, null);
select is_empty('select 1 from tenantd.events', 'without a context no event is visible');
select set_config('app.role', 'super_admin', true), set_config('app.subject', 'not-registered', true);
select is_empty('select 1 from tenantd.events', 'a forged super_admin role without a registered subject reads nothing');
select tests.act_as(null, null, 'super_admin');
select is((select count(distinct tenant_id)::int from tenantd.events where tenant_id in (:'ta', :'tb')),
          2, 'a registered operator reads every tenant''s events');

-- who writes: nobody but the owner's triggers
select throws_ok(format($$insert into tenantd.events (tenant_id, kind, data) values (%L, 'tenant.status', '{"status":"active"}')$$, :'tb'),
                 '42501', null, 'the app role cannot insert an event (even as an operator)');
select throws_ok($$update tenantd.events set data = '{}'$$, '42501', null, 'the app role cannot update events');
select throws_ok($$delete from tenantd.events$$, '42501', null, 'the app role cannot delete events');
select throws_ok(format($$select tenantd.record_event(%L, 'tenant.status', '{"status":"active"}')$$, :'tb'),
                 '42501', null, 'the app role cannot call record_event');

-- the public replay: one tenant's status events, nothing else
select tests.act_as(null, null, null);
select is((select count(*)::int from tenantd.tenant_status_events(:'ta', :first_id) e
            where e.data ->> 'tenant_id' <> :'ta'), 0, 'the public replay of A holds no other tenant''s event');
select ok((select count(*) from tenantd.tenant_status_events(:'ta', :first_id)) = 1
          and (select count(*) from tenantd.tenant_status_events(:'tb', :first_id)) = 2,
          'the public replay holds the tenant''s status events only (no job or domain event)');
select is((select count(*)::int from tenantd.tenant_status_events(:'tb', (select max(id) from tenantd.tenant_status_events(:'tb', :first_id)))),
          0, 'the replay starts after the given id');
select is(((api.tenant_status_events(:'public', :'tb', :first_id)).body -> 'status' ->> 'status'),
          'suspended', 'api.tenant_status_events: the current public status first');
select is(json_array_length((api.tenant_status_events(:'public', :'tb', :first_id)).body -> 'data'),
          2, 'api.tenant_status_events: then the missed events');
select is(json_array_length((api.tenant_status_events(:'public', :'tb', null)).body -> 'data'),
          0, 'api.tenant_status_events without Last-Event-ID: the current status only');
select throws_ok(format($$select api.tenant_status_events(%L, %L, null)$$, :'public', gen_random_uuid()),
                 'TDN05', null, 'api.tenant_status_events: an unknown id is tenant_not_found');

-- the operators' replay
select throws_ok(format($$select api.admin_events(%L, 0)$$, :'alice_a'), 'TD403', null,
                 'api.admin_events: not for a tenant admin');
select ok((select bool_or(e ->> 'kind' = 'job.state') and bool_or(e ->> 'kind' = 'domain.status')
             from json_array_elements((api.admin_events(:'ops', :first_id)).body -> 'data') e),
          'api.admin_events: an operator replays every kind');
select is(json_array_length((api.admin_events(:'ops', null)).body -> 'data'), 0,
          'api.admin_events without Last-Event-ID replays nothing');
select is(((api.admin_events(:'ops', null)).body ->> 'last_id')::bigint, (select max(id) from tenantd.events),
          'api.admin_events: last_id is the newest event');

select * from finish();
rollback;
