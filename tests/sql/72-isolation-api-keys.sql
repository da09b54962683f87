-- api_keys as tenantd_app: every command limited to the current tenant and to api_keys:manage;
-- the app role never reads a key hash, never deletes a key, never stamps last_used_at, and a
-- key's creator is always the member acting.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set ka aaaaaaaa-0000-4000-8000-000000000070
\set kb bbbbbbbb-0000-4000-8000-000000000070
begin;
select plan(19);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.api_keys (tenant_id, id, name, prefix, key_hash, permissions, created_by)
values (:'ta', :'ka', 'a-key', 'tdk_AAAAAAAA', sha256('a'), '{members:read}', :'alice'),
       (:'tb', :'kb', 'b-key', 'tdk_BBBBBBBB', sha256('b'), '{members:read}', :'bob');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.api_keys', array[:'ka'::uuid], 'A''s admin sees exactly A''s keys');
select is_empty(format('select id from tenantd.api_keys where tenant_id = %L or id = %L', :'tb', :'kb'),
                'A cannot select B''s key by tenant or id');
select throws_ok('select key_hash from tenantd.api_keys', '42501', null,
                 'the app role cannot read key hashes (column grant)');
select throws_ok(format($$insert into tenantd.api_keys (tenant_id, name, prefix, key_hash, permissions, created_by)
                          values (%L, 'x', 'tdk_XXXXXXXX', sha256('x'), '{members:read}', %L)$$, :'tb', :'alice'),
                 '42501', null, 'A cannot insert a key into B');
select throws_ok(format($$insert into tenantd.api_keys (name, prefix, key_hash, permissions, created_by)
                          values ('x', 'tdk_XXXXXXXX', sha256('x'), '{members:read}', %L)$$, :'bob'),
                 '42501', null, 'a key cannot name someone else as its creator');
select throws_ok(format($$update tenantd.api_keys set last_used_at = now() where id = %L$$, :'ka'),
                 '42501', null, 'the app role cannot write last_used_at (column grant)');
select throws_ok(format($$update tenantd.api_keys set permissions = '{members:write}' where id = %L$$, :'ka'),
                 '42501', null, 'nor widen a key''s permissions (column grant)');
select throws_ok(format($$update tenantd.api_keys set tenant_id = %L where id = %L$$, :'tb', :'ka'),
                 '42501', null, 'nor move a key to another tenant');
select is(tests.affected_rows(format($$update tenantd.api_keys set revoked_at = now() where id = %L$$, :'kb')),
          0, 'A cannot revoke B''s key');
select throws_ok(format('delete from tenantd.api_keys where id = %L', :'ka'), '42501', null,
                 'nobody deletes a key, not even in its own tenant (no grant; the policy denies too)');
select lives_ok(format($$insert into tenantd.api_keys (name, prefix, key_hash, permissions, created_by)
                         values ('mine', 'tdk_MMMMMMMM', sha256('m'), '{members:read}', %L)$$, :'alice'),
                'A''s admin inserts a key without naming the tenant');
-- the app role may name every column in an INSERT (Citus does), but not make a key used or revoked
select throws_ok(format($$insert into tenantd.api_keys (name, prefix, key_hash, permissions, created_by, last_used_at)
                          values ('used', 'tdk_UUUUUUUU', sha256('u'), '{members:read}', %L, now())$$, :'alice'),
                 '42501', null, 'a new key cannot claim a last use');
select throws_ok(format($$insert into tenantd.api_keys (name, prefix, key_hash, permissions, created_by, replaced_by)
                          values ('repl', 'tdk_RRRRRRRR', sha256('r'), '{members:read}', %L, %L)$$, :'alice', :'ka'),
                 '42501', null, 'nor be born replaced');

-- a member has no api_keys:manage: sees and changes nothing
select tests.act_as(:'ta', :'alice', 'member');
select is_empty('select 1 from tenantd.api_keys', 'a member sees no keys');
select is(tests.affected_rows(format($$update tenantd.api_keys set revoked_at = now() where id = %L$$, :'ka')),
          0, 'a member cannot revoke a key');

-- no context: no rows
select tests.act_as(null, null, null);
select is_empty('select 1 from tenantd.api_keys', 'without a context no key is visible');

-- the flush and the lookup are not the app role's
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select tenantd.record_api_key_use('[]')$$, '42501', null,
                 'the app role cannot stamp last_used_at through the flush');
select throws_ok($$select tenantd.api_key_permissions('{members:read}', 'tenant_admin')$$, '42501', null,
                 'nor call the key permission helper of tenantd.enter');
reset role;
select is_empty('select * from tenantd.rls_audit()', 'the isolation audit is clean with api_keys');

select * from finish();
rollback;
