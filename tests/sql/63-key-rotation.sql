-- The tenant key rotation job's two definer functions: tenantd_worker only; they read and write
-- the one tenant they are given and nothing of another; apply stores only values sealed under
-- the new key, shreds the old keys and leaves an audit row without values.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set ka aaaaaaaa-0000-4000-8000-0000000000a1
\set kn aaaaaaaa-0000-4000-8000-0000000000a2
\set kb bbbbbbbb-0000-4000-8000-0000000000b1
begin;
select plan(12);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
values (:'ta', :'ka', 'k1', repeat('A', 80)), (:'tb', :'kb', 'k1', repeat('B', 80));
insert into tenantd.tenant_configs (tenant_id, type, key, value)
values (:'ta', 'integrations', 'stripe', jsonb_build_object('sealed', 'v1', 'kid', :'ka', 'ct', 'a-old')),
       (:'ta', 'integrations', 'slack', jsonb_build_object('sealed', 'v1', 'kid', :'ka', 'ct', 'a-slack')),
       (:'ta', 'general', 'locale', '"de"'),
       (:'tb', 'integrations', 'stripe', jsonb_build_object('sealed', 'v1', 'kid', :'kb', 'ct', 'b-cipher'));
create temp table b_before as
select md5(string_agg(x, ',' order by x)) as digest
  from (select k::text as x from tenantd.tenant_data_keys k where tenant_id = :'tb'
        union all select c::text from tenantd.tenant_configs c where tenant_id = :'tb') r;
grant select on b_before to tenantd_worker;
select (select id from tenantd.tenant_configs where tenant_id = :'ta' and key = 'stripe') as a_stripe,
       (select id from tenantd.tenant_configs where tenant_id = :'ta' and key = 'slack') as a_slack,
       (select id from tenantd.tenant_configs where tenant_id = :'tb') as b_stripe \gset

set local role tenantd_app;
select throws_ok(format('select tenantd.key_rotation_read(%L)', :'tb'), '42501', null, 'the app role cannot read a tenant''s keys and secrets');
select throws_ok(format($$select tenantd.key_rotation_apply(%L, '{}', '[]')$$, :'tb'), '42501', null, 'nor rotate them');
reset role;

set local role tenantd_worker;
select is(jsonb_array_length(tenantd.key_rotation_read(:'ta') -> 'secrets'), 2, 'the worker reads A''s two secrets (not its general config)');
select is((select string_agg(e ->> 'id', ',') from jsonb_array_elements(tenantd.key_rotation_read(:'ta') -> 'keys') e), :'ka',
          'and A''s key only');
select ok(tenantd.key_rotation_read(:'ta')::text !~ 'b-cipher|bbbbbbbb-0000', 'nothing of B');
select is(tenantd.key_rotation_apply(:'ta', jsonb_build_object('id', :'kn', 'kek_id', 'k1', 'wrapped_key', repeat('N', 80)),
            jsonb_build_array(
              jsonb_build_object('id', :'a_stripe'::uuid,
                                 'value', jsonb_build_object('sealed', 'v1', 'kid', :'kn', 'ct', 'a-new')),
              -- sealed under some other key: not stored
              jsonb_build_object('id', :'a_slack'::uuid,
                                 'value', jsonb_build_object('sealed', 'v1', 'kid', :'kb', 'ct', 'x')),
              -- B's row named in A's rotation: not touched
              jsonb_build_object('id', :'b_stripe'::uuid,
                                 'value', jsonb_build_object('sealed', 'v1', 'kid', :'kn', 'ct', 'planted')))),
          1, 'apply re-seals only A''s value sealed under the new key');
reset role;
select is((select string_agg(id::text || ':' || state, ',') from tenantd.tenant_data_keys where tenant_id = :'ta'),
          :'kn' || ':active', 'A has the new key only: the old one is shredded');
select is((select value ->> 'ct' from tenantd.tenant_configs where tenant_id = :'ta' and key = 'stripe'), 'a-new', 'the re-sealed value is stored');
select is((select value ->> 'ct' from tenantd.tenant_configs where tenant_id = :'ta' and key = 'slack'), 'a-slack', 'the refused one is not');
select is((select md5(string_agg(x, ',' order by x))
             from (select k::text as x from tenantd.tenant_data_keys k where tenant_id = :'tb'
                   union all select c::text from tenantd.tenant_configs c where tenant_id = :'tb') r),
          (select digest from b_before), 'B''s keys and configuration are exactly as before');
select is((select details from tenantd.audit_log where tenant_id = :'ta' and action = 'data_key.rotated'),
          '{"resealed": 1, "keys_shredded": 1}'::jsonb, 'an audit row with counts only');
select is(current_setting('app.tenant_id', true), '', 'the context is cleared afterwards');

select * from finish();
rollback;
