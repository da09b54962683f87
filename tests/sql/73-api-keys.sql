-- API keys through the endpoint functions and tenantd.enter: made once and shown once (only the
-- SHA-256 stored), a key acts in its tenant with exactly its permissions and never more than
-- its creator holds now, other tenants' references are a mismatch, revoked, expired and
-- orphaned keys are refused (TDU03), rotation keeps the old key for its grace period, the plan
-- bounds active keys, every change is audited without the key, and the usage flush stamps
-- last_used_at.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set kim aaaaaaaa-0000-4000-8000-0000000000f1
begin;
select plan(46);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- kim holds a tenant-defined role that may manage keys and read members, nothing else
insert into tenantd.roles (tenant_id, name) values (:'ta', 'keymaster');
insert into tenantd.role_permissions (tenant_id, role_id, permission)
select :'ta', r.id, p from tenantd.roles r, unnest(array['api_keys:manage', 'members:read']) p
 where r.tenant_id = :'ta' and r.name = 'keymaster';
select tests.create_user('kim@acme.test', :'kim');
select tests.add_member(:'ta', :'kim', 'keymaster');
select tests.add_member(:'tb', :'kim', 'member');

-- the context the dispatcher sends for a token, and for a key (its SHA-256 in hex)
create function pg_temp.user_ctx(p_user uuid, p_refs text[] default array['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'])
returns jsonb language sql as $$
  select jsonb_build_object('refs', to_jsonb(p_refs), 'user_id', p_user,
                            'subject', p_user, 'request_id', 'req-keys', 'route', 'test', 'client', '127.0.0.1')
$$;
create function pg_temp.key_ctx(p_key text, p_refs text[] default '{}', p_permission text default null)
returns jsonb language sql as $$
  select jsonb_strip_nulls(jsonb_build_object('refs', to_jsonb(p_refs), 'api_key',
           encode(sha256(convert_to(p_key, 'UTF8')), 'hex'), 'request_id', 'req-key', 'route', 'test',
           'client', '127.0.0.1', 'permission', p_permission))
$$;
grant execute on function pg_temp.user_ctx(uuid, text[]), pg_temp.key_ctx(text, text[], text) to tenantd_app;
update tenantd.tenants set plan = 'free' where id = :'ta';  -- max_api_keys 2
set local role tenantd_app;

-- make a key: 201, shown once, the right shape
select (api.create_api_key(pg_temp.user_ctx(:'alice'), 'ci', '{members:read,config:read}', null)).body::jsonb as k1 \gset
select is(:'k1'::jsonb ->> 'status', 'active', 'a new key is active');
select matches(:'k1'::jsonb ->> 'key', '^tdk_[A-Za-z0-9_-]{51}$', 'the key is tdk_ and 51 base64url characters');
select is(:'k1'::jsonb ->> 'prefix', left(:'k1'::jsonb ->> 'key', 12), 'the prefix is the key''s first 12 characters');
select is(:'k1'::jsonb -> 'permissions', '["config:read", "members:read"]'::jsonb, 'permissions, sorted');
select is(:'k1'::jsonb ->> 'created_by', :'alice', 'the creator is the member acting');
select (:'k1'::jsonb ->> 'key') as key1, (:'k1'::jsonb ->> 'id') as id1 \gset
reset role;
select is((select count(*) from tenantd.api_keys where key_hash = sha256(convert_to(:'key1', 'UTF8'))), 1::bigint,
          'its SHA-256 is stored');
select is((select count(*) from tenantd.api_keys k, tenantd.audit_log a
            where strpos(row_to_json(k)::text, :'key1') > 0 or strpos(a.details::text, :'key1') > 0), 0::bigint,
          'the key itself is stored nowhere (key rows, audit details)');
select is((select details ->> 'prefix' from tenantd.audit_log where action = 'api_key.create' and target_id = :'id1'),
          left(:'key1', 12), 'the create is audited with the prefix');
set local role tenantd_app;
select is((api.get_api_key(pg_temp.user_ctx(:'alice'), :'id1')).status = 200 and
          ((api.get_api_key(pg_temp.user_ctx(:'alice'), :'id1')).body::jsonb ? 'key') = false, true,
          'reading a key never shows it again');

-- the key acts in its tenant with its permissions
select is(tenantd.enter(pg_temp.key_ctx(:'key1')), :'ta'::uuid, 'the key enters its tenant without naming it');
select results_eq($$select current_setting('app.user_id'), current_setting('app.role'), current_setting('app.permissions'),
                          current_setting('app.subject')$$,
                  format($$values ('', 'api_key', ',config:read,members:read,', 'api_key:%s')$$, :'id1'),
                  'no user, role api_key, exactly its permissions, subject names the key');
select is(tenantd.enter(pg_temp.key_ctx(:'key1', array['acme'])), :'ta'::uuid, 'naming its own tenant (slug) is fine');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key1', array[:'tb'])), 'TDF06', null,
                 'a key of A naming B by id: tenant_mismatch');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key1', array['globex'])), 'TDF06', null,
                 'a key of A naming B by slug: tenant_mismatch');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key1', '{}', 'members:write')), 'TD403', null,
                 'a permission the key lacks: forbidden');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key1') || '{"user_id": "aaaaaaaa-0000-4000-8000-000000000001"}'),
                 'TDB07', null, 'a key beside a user is not a context');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx('tdk_' || repeat('x', 51))), 'TDU03',
                 'the API key is not valid', 'an unknown key: TDU03');
select throws_ok($$select api.create_api_key(pg_temp.key_ctx('$$ || :'key1' || $$', '{}', 'api_keys:manage'), 'x', '{members:read}', null)$$,
                 'TD403', null, 'a key cannot make keys');

-- what a key may be given
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-000000000001'), 'x', '{api_keys:manage}', null)$$,
                 'TD422', 'an API key cannot be given api_keys:manage', 'never api_keys:manage');
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-000000000001'), 'x', '{members:fly}', null)$$,
                 'TDV07', null, 'an unknown permission');
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-000000000001'), 'x', '{}', null)$$,
                 'TD422', null, 'no permission at all');
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-000000000001'), 'x', '{members:read}', '2001-01-01T00:00:00Z')$$,
                 'TD422', 'expires_at must be in the future', 'an expiry in the past');
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-0000000000f1'), 'x', '{members:write}', null)$$,
                 'TDF03', null, 'a creator cannot give a permission they lack (escalation)');
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('bbbbbbbb-0000-4000-8000-000000000001', array['acme']), 'x', '{members:read}', null)$$,
                 'TDU01', null, 'B''s admin cannot make a key in A');

-- kim's key: bounded by kim's rights now
select (api.create_api_key(pg_temp.user_ctx(:'kim'), 'kim-ci', '{members:read}', null)).body::jsonb ->> 'key' as key2 \gset
select is(tenantd.enter(pg_temp.key_ctx(:'key2')), :'ta'::uuid, 'kim''s key works');
select is(current_setting('app.permissions'), ',members:read,', 'with members:read');
reset role;
delete from tenantd.role_permissions where permission = 'members:read'
   and role_id = (select id from tenantd.roles where tenant_id = :'ta' and name = 'keymaster');
set local role tenantd_app;
select is(tenantd.enter(pg_temp.key_ctx(:'key2')), :'ta'::uuid, 'after kim lost members:read the key still enters');
select is(current_setting('app.permissions'), '', 'but holds nothing kim no longer has');
reset role;
update tenantd.memberships set disabled = true where tenant_id = :'ta' and user_id = :'kim';
set local role tenantd_app;
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key2')), 'TDU03',
                 'the API key''s creator is no longer an enabled member of this tenant',
                 'a key of a disabled member is refused');
reset role;
delete from tenantd.memberships where tenant_id = :'ta' and user_id = :'kim';
set local role tenantd_app;
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key2')), 'TDU03', null,
                 'a key of a removed member is refused');

-- quota (free plan: 2 active keys; kim's key still counts: not revoked)
select throws_ok($$select api.create_api_key(pg_temp.user_ctx('aaaaaaaa-0000-4000-8000-000000000001'), 'third', '{members:read}', null)$$,
                 'TDF07', null, 'a third active key exceeds the free plan');

-- rotate: a new key, the old one valid for the grace period
select (api.rotate_api_key(pg_temp.user_ctx(:'alice'), :'id1', 3600)).body::jsonb as k3 \gset
select (:'k3'::jsonb ->> 'key') as key3, (:'k3'::jsonb ->> 'id') as id3 \gset
select is(tenantd.enter(pg_temp.key_ctx(:'key3')), :'ta'::uuid, 'the rotated-in key works');
select is(tenantd.enter(pg_temp.key_ctx(:'key1')), :'ta'::uuid, 'the old key still works in its grace period');
select is((api.get_api_key(pg_temp.user_ctx(:'alice'), :'id1')).body::jsonb ->> 'replaced_by', :'id3',
          'the old key names its successor');
select throws_ok(format('select api.rotate_api_key(%L, %L, 0)', pg_temp.user_ctx(:'alice'), :'id1'), 'TDC18', null,
                 'a key is rotated once');
-- rotation with no grace: the old key stops at once
select (api.rotate_api_key(pg_temp.user_ctx(:'alice'), :'id3', 0)).body::jsonb ->> 'key' as key4 \gset
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key3')), 'TDU03', 'the API key has expired',
                 'grace 0: the old key is expired');
select is(tenantd.enter(pg_temp.key_ctx(:'key4')), :'ta'::uuid, 'its successor works');

-- revoke
select (api.get_api_key(pg_temp.user_ctx(:'alice'), :'id3')).body::jsonb ->> 'replaced_by' as id4 \gset
select is((api.revoke_api_key(pg_temp.user_ctx(:'alice'), :'id4')).body::jsonb ->> 'status', 'revoked', 'revoked');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.key_ctx(:'key4')), 'TDU03', 'the API key has been revoked',
                 'a revoked key is refused');
select is((api.revoke_api_key(pg_temp.user_ctx(:'alice'), :'id4')).status, 200, 'revoking twice is fine');
select throws_ok(format('select api.get_api_key(%L, %L)', pg_temp.user_ctx(:'bob', array[:'tb']), :'id1'), 'TDN10', null,
                 'B''s admin does not find A''s key');
reset role;
select is((select array_agg(action order by action) from tenantd.audit_log where tenant_id = :'ta' and action like 'api_key.%'),
          array['api_key.create', 'api_key.create', 'api_key.revoke', 'api_key.rotate', 'api_key.rotate'],
          'audited: 2 creates (alice, kim), 2 rotations, 1 revoke');
select is((select count(*) from tenantd.audit_log where action = 'api_key.revoke' and target_id = :'id4'), 1::bigint,
          'one revoke row for two revokes');

-- the usage flush (worker role): stamps valid keys only, never moves back
set local role tenantd_worker;
select is(tenantd.record_api_key_use(jsonb_build_array(
            jsonb_build_object('key_hash', encode(sha256(convert_to(:'key1', 'UTF8')), 'hex'), 'at', '2030-01-01T00:00:00Z'),
            jsonb_build_object('key_hash', encode(sha256(convert_to(:'key4', 'UTF8')), 'hex'), 'at', '2030-01-01T00:00:00Z'),
            jsonb_build_object('key_hash', 'nonsense', 'at', 'never'))), 1::bigint,
          'one valid key stamped; the revoked key and the garbage entry skipped');
select is(tenantd.record_api_key_use(jsonb_build_array(
            jsonb_build_object('key_hash', encode(sha256(convert_to(:'key1', 'UTF8')), 'hex'), 'at', '2029-01-01T00:00:00Z'))),
          1::bigint, 'an older use is applied');
reset role;
select is((select last_used_at from tenantd.api_keys where id = :'id1'), '2030-01-01T00:00:00Z'::timestamptz,
          'last_used_at only moves forward');

select * from finish();
rollback;
