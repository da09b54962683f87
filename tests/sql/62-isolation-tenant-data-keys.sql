-- tenant_data_keys as tenantd_app: a tenant's wrapped data keys are seen and added only in the
-- current tenant and only with config:secrets; nobody changes or removes one through the app
-- role. Secret configuration is stored sealed: tenantd.put_config refuses clear text and values
-- sealed under a key that is not the tenant's active one, and the table's constraint refuses
-- clear text from psql as well. tenantd.config_value_out hands the wrapped key of the current
-- tenant only, never another tenant's.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set carol aaaaaaaa-0000-4000-8000-000000000011
\set ka aaaaaaaa-0000-4000-8000-0000000000a1
\set kb bbbbbbbb-0000-4000-8000-0000000000b1
begin;
select plan(24);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol');
select tests.add_member(:'ta', :'carol', 'member');
insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
values (:'ta', :'ka', 'k1', repeat('A', 80)), (:'tb', :'kb', 'k1', repeat('B', 80));
-- B's secret, sealed under B's key
insert into tenantd.tenant_configs (tenant_id, type, key, value)
values (:'tb', 'integrations', 'stripe', jsonb_build_object('sealed', 'v1', 'kid', :'kb', 'ct', 'b-cipher'));
create temp table b_before as
select (select string_agg(k::text, ',') from tenantd.tenant_data_keys k where tenant_id = :'tb') as keys;
grant select on b_before to tenantd_app;

-- the table's own rules, for psql users too
select throws_ok(format($$insert into tenantd.tenant_configs (tenant_id, type, key, value) values (%L, 'integrations', 'clear', '{"api_key": "sk"}')$$, :'ta'),
                 '23514', null, 'an integrations value in clear is refused by the table');
select throws_ok(format($$insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key) values (%L, gen_random_uuid(), 'k1', repeat('C', 80))$$, :'ta'),
                 '23505', null, 'one active data key per tenant');
select throws_ok(format($$insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key, state) values (%L, gen_random_uuid(), 'k1', 'short', 'retired')$$, :'ta'),
                 '23514', null, 'a wrapped key has the shape of one');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.tenant_data_keys', array[:'ka'::uuid], 'A''s admin sees A''s key only');
select is_empty(format('select 1 from tenantd.tenant_data_keys where tenant_id = %L or id = %L', :'tb', :'kb'),
                'B''s key stays invisible, by tenant and by id');
select throws_ok(format($$insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key, state) values (%L, gen_random_uuid(), 'k1', repeat('D', 80), 'retired')$$, :'tb'),
                 '42501', null, 'A cannot add a key to B');
select throws_ok($$update tenantd.tenant_data_keys set kek_id = 'x'$$, '42501', null, 'nobody rewraps through the app role');
select throws_ok($$delete from tenantd.tenant_data_keys$$, '42501', null, 'nobody shreds through the app role');

-- put_config: sealed values only, under A's active key only
select throws_ok($$select * from tenantd.put_config('integrations', 'stripe', '{"api_key": "sk_clear"}', null)$$,
                 'TDK02', null, 'clear text for a secret type: TDK02');
select throws_ok(format($$select * from tenantd.put_config('integrations', 'stripe', %L, null)$$,
                        jsonb_build_object('sealed', 'v1', 'kid', :'kb', 'ct', 'x')),
                 'TDK01', null, 'sealed under B''s key: TDK01');
select throws_ok(format($$select * from tenantd.put_config('integrations', 'stripe', %L, null)$$,
                        jsonb_build_object('sealed', 'v1', 'kid', 'not-a-uuid', 'ct', 'x')),
                 'TDK01', null, 'sealed under no key at all: TDK01');
select lives_ok(format($$select * from tenantd.put_config('integrations', 'stripe', %L, null)$$,
                       jsonb_build_object('sealed', 'v1', 'kid', :'ka', 'ct', 'a-cipher')),
                'sealed under A''s active key: stored');
select lives_ok($$select * from tenantd.put_config('general', 'locale', '{"sealed": "v1", "kid": "k", "ct": "c"}', null)$$,
                'other types store any JSON, envelope-shaped or not');

-- what the read routes get: the wrapped key of the current tenant, looked up under its policies
-- (read through tenantd.list_config, as the routes read: on Citus a query on tenant_configs
-- itself is sent whole to the shard's worker, where config_value_out cannot read another table)
select is((select (tenantd.config_value_out(c.type, c.value) ->> 'wk') from tenantd.list_config('integrations') c where c.key = 'stripe'),
          repeat('A', 80), 'A''s sealed value comes with A''s wrapped key');
select is((select (tenantd.config_value_out(c.type, c.value) ->> 'tenant') from tenantd.list_config('integrations') c where c.key = 'stripe'),
          :'ta', 'and the tenant of the context');
select is(tenantd.config_value_out('integrations', jsonb_build_object('sealed', 'v1', 'kid', :'kb', 'ct', 'b-cipher')) ->> 'wk',
          null, 'a value naming B''s key gets no key: nothing to open it with');
select is(tenantd.config_value_out('general', '{"sealed": "v1", "kid": "k", "ct": "c"}'), '{"sealed": "v1", "kid": "k", "ct": "c"}'::jsonb,
          'non-secret types are answered as stored');

-- active_data_key: the first key wins, later candidates are ignored
select results_eq($$select id from tenantd.active_data_key(gen_random_uuid(), 'k2', repeat('E', 80))$$,
                  array[:'ka'::uuid], 'a tenant that has an active key keeps it');
select is((select count(*)::int from tenantd.tenant_data_keys), 1, 'the candidate was not stored');

-- without config:secrets: no key, no secret
reset role;
select tests.act_as(:'ta', :'carol', 'member');
set local role tenantd_app;
select is_empty('select 1 from tenantd.tenant_data_keys', 'a member sees no data key');
select throws_ok($$select * from tenantd.active_data_key(null, null, null)$$, 'TD403', null,
                 'a member cannot ask for the data key');
select throws_ok(format($$insert into tenantd.tenant_data_keys (id, kek_id, wrapped_key, state) values (gen_random_uuid(), 'k1', repeat('F', 80), 'retired')$$),
                 '42501', null, 'nor plant one');

reset role;
-- (the queries as text: on Citus an assertion around a one-tenant subquery is sent whole to the
-- worker, where pgTAP has no plan)
select results_eq(format($$select string_agg(k::text, ',') from tenantd.tenant_data_keys k where tenant_id = %L$$, :'tb'),
                  'select keys from b_before', 'B''s keys are exactly as before');
select results_eq(format($$select count(*)::int from tenantd.tenant_configs
                            where tenant_id = %L and type = 'integrations' and value ->> 'ct' = 'a-cipher'$$, :'ta'),
                  array[1], 'A''s sealed value is stored as sealed');

select * from finish();
rollback;
