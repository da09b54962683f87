-- The cross-tenant probe (issue 8 item 8), used by tests/sql/90-cross-tenant-probe.sql.
-- Everything here is found by catalog introspection, so a new api.* function, a new tenant
-- table or a new column is probed without anyone editing these functions:
--   tenant tables   every ordinary or partitioned table with a tenant_id column (outside the
--                   system schemas and `tests`), plus the global rows those tables point at
--                   through foreign keys (tenants, users, …): a tenant's "row set".
--   probe values    every uuid and text value in tenant B's row set that B does not share with
--                   tenant A (role names, status words and the like are shared and dropped).
--   functions       every function and procedure in schema api, all overloads.
-- All security invoker: called by the superuser that runs pgTAP; the probe switches to
-- tenantd_app for each call and back.

-- A tenant's row set as one query with $1 = the tenant: (rel, row_text) for every row with
-- its tenant_id, and every row of a table without tenant_id that one of those rows references
-- by a foreign key (tenants, users, …: changing them changes what the tenant sees). Built once
-- from the catalog, so the probe runs one statement per digest.
create or replace function tests.probe_rows_sql()
returns text
language sql stable
as $$
  with tenant_tables as (
    select c.oid as rel
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relkind in ('r', 'p') and not c.relispartition
       and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'public')
       and n.nspname !~ '^pg_temp'
  ),
  parts as (
    select format('select %L::text as rel, to_jsonb(t)::text as row_text from %s t where t.tenant_id = $1',
                  t.rel::regclass::text, t.rel::regclass) as q
      from tenant_tables t
    union all
    select format('select %L::text, to_jsonb(r)::text from %s r where (%s) in (select %s from %s t where t.tenant_id = $1)',
                  k.confrelid::regclass::text, k.confrelid::regclass,
                  (select string_agg(format('r.%I', ra.attname), ', ' order by u.ord)
                     from unnest(k.confkey) with ordinality u (att, ord)
                     join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = u.att),
                  (select string_agg(format('t.%I', ta.attname), ', ' order by u.ord)
                     from unnest(k.conkey) with ordinality u (att, ord)
                     join pg_attribute ta on ta.attrelid = k.conrelid and ta.attnum = u.att),
                  k.conrelid::regclass)
      from pg_constraint k
      join tenant_tables t on t.rel = k.conrelid
     where k.contype = 'f' and k.confrelid not in (select rel from tenant_tables)
  )
  select string_agg(q, E'\nunion\n' order by q) from parts
$$;

create or replace function tests.probe_rows(p_tenant uuid)
returns table (rel text, row_text text)
language plpgsql volatile
as $$
begin
  return query execute tests.probe_rows_sql() using p_tenant;
end
$$;

-- The digest query over the row set ($1 = the tenant): one line per table, "table rows md5".
-- Two digests are equal exactly when no row of the tenant was inserted, changed or deleted.
create or replace function tests.probe_digest_sql()
returns text
language sql stable
as $$
  select format($q$select coalesce(string_agg(d.line, E'\n' order by d.line), '')
                     from (select r.rel || ' ' || count(*) || ' ' || md5(string_agg(r.row_text, '|' order by r.row_text)) as line
                             from (%s) r
                            group by r.rel) d$q$, tests.probe_rows_sql())
$$;

create or replace function tests.probe_digest(p_tenant uuid)
returns text
language plpgsql volatile
as $$
declare
  v_digest text;
begin
  execute tests.probe_digest_sql() using p_tenant into v_digest;
  return v_digest;
end
$$;

-- The tables of two digests whose lines differ.
create or replace function tests.probe_digest_diff(p_before text, p_after text)
returns text
language sql immutable
as $$
  select coalesce(string_agg(distinct split_part(l, ' ', 1), ', '), '')
    from (select unnest(string_to_array(p_before, E'\n')) except all
          select unnest(string_to_array(p_after, E'\n'))
          union all
          (select unnest(string_to_array(p_after, E'\n')) except all
           select unnest(string_to_array(p_before, E'\n')))) x (l)
$$;

-- Every scalar value in a tenant's row set, lower-cased: strings (uuids, emails, slugs, keys,
-- hashes as \x… text) from every column and from inside jsonb columns. With p_own_only, only
-- the rows that carry the tenant's id (not the global rows they reference).
create or replace function tests.probe_values(p_tenant uuid, p_own_only boolean default false)
returns table (value text)
language sql volatile
as $$
  select distinct lower(v #>> '{}')
    from (select distinct row_text from tests.probe_rows(p_tenant)
           where not p_own_only or (row_text::jsonb ->> 'tenant_id') = p_tenant::text) r,
         lateral jsonb_path_query(r.row_text::jsonb, 'strict $.**') v
   where jsonb_typeof(v) = 'string'
$$;

-- B's values that must never reach A, and that the probe passes wherever an id fits:
-- B's row-set values that A's row set does not have, without timestamps and words too short
-- to mean anything.
create or replace function tests.probe_needles(p_a uuid, p_b uuid)
returns table (value text, is_uuid boolean)
language sql volatile
as $$
  select b.value, b.value ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    from (select value from tests.probe_values(p_b)
          except
          select value from tests.probe_values(p_a)) b
   where length(b.value) >= 5
     and b.value !~ '^\d{4}-\d\d-\d\d'   -- timestamps and dates
     and b.value !~ '^[0-9.+-]+$'
$$;

-- Inserts one row into p_table from the keys of p_values that are columns of it (so a column
-- added or dropped elsewhere does not break the seeding); returns NULL or the error.
create or replace function tests.probe_insert(p_table regclass, p_values jsonb)
returns text
language plpgsql volatile
as $$
declare
  v_cols text;
begin
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_cols
    from pg_attribute a
   where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped
     and p_values ? a.attname::text;
  execute format('insert into %s (%s) select %s from jsonb_populate_record(null::%s, $1)',
                 p_table, v_cols, v_cols, p_table)
    using p_values;
  return null;
exception when others then
  return format('%s: %s', p_table, sqlerrm);
end
$$;

-- Something in every tenant table of p_tenant to leak: members with their own profile and
-- password hash, a custom role with permissions, a config entry of every type (integrations
-- with a credential), an invitation, a completed onboarding step, sessions, audit rows, login
-- attempts and a sign-up record. Every value carries p_label so that it is specific to the
-- tenant. Returns the inserts that failed (a schema changed elsewhere); the probe still runs.
create or replace function tests.probe_seed(p_tenant uuid, p_admin uuid, p_label text)
returns text[]
language plpgsql volatile
as $$
declare
  v_errors text[] := '{}';
  v_err text;
  v_user uuid;
  v_role uuid := gen_random_uuid();
  v_i int;
  v_type text;
begin
  for v_i in 1..2 loop
    v_user := gen_random_uuid();
    v_errors := v_errors || tests.probe_insert('tenantd.users', jsonb_build_object(
      'id', v_user, 'email', format('person%s@%s-people.test', v_i, p_label),
      'display_name', format('%s secret person %s', p_label, v_i),
      'password_hash', format('hash-of-%s-person-%s', p_label, v_i),
      'external_id', format('idp_%s_person_%s', p_label, v_i)));
    v_errors := v_errors || tests.probe_insert('tenantd.memberships', jsonb_build_object(
      'tenant_id', p_tenant, 'id', gen_random_uuid(), 'user_id', v_user,
      'role', case v_i when 1 then 'member' else 'read_only' end,
      'display_name', format('%s member profile %s', p_label, v_i),
      'password_hash', format('membership-hash-%s-%s', p_label, v_i)));
    v_errors := v_errors || tests.probe_insert('tenantd.sessions', jsonb_build_object(
      'tenant_id', p_tenant, 'id', gen_random_uuid(), 'user_id', v_user,
      'refresh_token_hash', '\x' || encode(sha256(convert_to(p_label || 'session' || v_i, 'utf8')), 'hex'),
      'expires_at', now() + interval '1 day'));
  end loop;

  v_errors := v_errors || tests.probe_insert('tenantd.roles', jsonb_build_object(
    'tenant_id', p_tenant, 'id', v_role, 'name', p_label || '_auditor',
    'description', p_label || ' auditors read the audit log'));
  v_errors := v_errors || tests.probe_insert('tenantd.role_permissions', jsonb_build_object(
    'tenant_id', p_tenant, 'role_id', v_role, 'permission', 'audit:read'));

  foreach v_type in array array['general', 'auth', 'billing', 'features', 'integrations'] loop
    v_errors := v_errors || tests.probe_insert('tenantd.tenant_configs', jsonb_build_object(
      'tenant_id', p_tenant, 'id', gen_random_uuid(), 'type', v_type,
      'key', format('%s.%s.key', p_label, v_type),
      -- integrations values are stored sealed (the constraint tenant_configs_integrations_sealed);
      -- the needle is the ciphertext then
      'value', case when v_type = 'integrations'
                    then jsonb_build_object('sealed', 'v1', 'kid', gen_random_uuid(),
                                            'ct', format('%s-%s-secret-value', p_label, v_type))
                    else jsonb_build_object('secret', format('%s-%s-secret-value', p_label, v_type)) end));
  end loop;
  -- a data key (wrapped: nothing opens it here, but its id and wrapped form are B's)
  v_errors := v_errors || tests.probe_insert('tenantd.tenant_data_keys', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'kek_id', p_label || '-kek',
    'wrapped_key', rpad(translate(encode(convert_to(p_label || 'wrappedkey', 'utf8'), 'base64'), '=', 'A'), 80, 'A')));

  v_errors := v_errors || tests.probe_insert('tenantd.invitations', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'email', format('invitee@%s-invited.test', p_label),
    'role', 'member', 'token_hash', '\x' || encode(sha256(convert_to(p_label || 'invitation', 'utf8')), 'hex'),
    'expires_at', now() + interval '7 days', 'invited_by', p_admin));

  begin
    update tenantd.onboarding_steps set completed_at = now(), completed_by = p_admin
     where tenant_id = p_tenant and key = 'profile';
  exception when others then
    v_errors := v_errors || format('onboarding_steps: %s', sqlerrm);
  end;

  v_errors := v_errors || tests.probe_insert('tenantd.audit_log', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'action', p_label || '.secret_action',
    'actor_id', p_admin, 'actor_role', 'tenant_admin', 'target_type', 'thing',
    'target_id', p_label || '-audit-target', 'details', jsonb_build_object('note', p_label || '-audit-secret'),
    'request_id', p_label || '-request-id'));
  v_errors := v_errors || tests.probe_insert('tenantd.login_attempts', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'email', format('guesser@%s-logins.test', p_label),
    'succeeded', false, 'request_id', p_label || '-login-request'));
  v_errors := v_errors || tests.probe_insert('tenantd.tenant_signups', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'admin_email', format('founder@%s-signup.test', p_label),
    'admin_password_hash', format('signup-hash-of-%s', p_label)));

  -- a verified custom domain (its hostname routes to the tenant) and a pending claim
  v_errors := v_errors || tests.probe_insert('tenantd.domains', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'hostname', format('www.%s-shop.test', p_label),
    'token', encode(sha256(convert_to(p_label || 'domain-token', 'utf8')), 'hex'),
    'cname_target', p_label || '.tenantd.test', 'status', 'verified', 'verified_at', now(),
    'expires_at', now() + interval '7 days'));
  v_errors := v_errors || tests.probe_insert('tenantd.domains', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'hostname', format('pending.%s-shop.test', p_label),
    'token', encode(sha256(convert_to(p_label || 'pending-token', 'utf8')), 'hex'),
    'cname_target', p_label || '-pending.tenantd.test', 'expires_at', now() + interval '7 days'));

  -- the plan's tables: an override (its reason is a needle), a monthly counter, a day of usage
  v_errors := v_errors || tests.probe_insert('tenantd.entitlement_overrides', jsonb_build_object(
    'tenant_id', p_tenant, 'limits', jsonb_build_object('members', 777),
    'reason', p_label || '-override-reason'));
  v_errors := v_errors || tests.probe_insert('tenantd.quota_counters', jsonb_build_object(
    'tenant_id', p_tenant, 'metric', 'invitations_per_month', 'period', '2026-01', 'value', 4242));
  v_errors := v_errors || tests.probe_insert('tenantd.usage_daily', jsonb_build_object(
    'tenant_id', p_tenant, 'metric', 'api_calls', 'day', '2026-01-01', 'value', 4343));
  -- an allowed origin (CORS): the origin itself is the needle
  v_errors := v_errors || tests.probe_insert('tenantd.allowed_origins', jsonb_build_object(
    'tenant_id', p_tenant, 'origin', format('https://app.%s-front.test', lower(p_label))));
  -- an app-defined meter: an event (its id and metric name are needles) and its day of usage
  v_errors := v_errors || tests.probe_insert('tenantd.usage_events', jsonb_build_object(
    'tenant_id', p_tenant, 'id', p_label || '-usage-event-1', 'metric', p_label || '_meter', 'value', 4444,
    'occurred_at', now()));
  v_errors := v_errors || tests.probe_insert('tenantd.usage_daily', jsonb_build_object(
    'tenant_id', p_tenant, 'metric', p_label || '_meter', 'day', (now() at time zone 'UTC')::date, 'value', 4444));
  -- a retention setting: B's row set then holds one, so a PUT /v1/retention that reached it shows
  -- in B's digest (numbers are no needles, as for the counters above)
  v_errors := v_errors || tests.probe_insert('tenantd.retention_settings', jsonb_build_object(
    'tenant_id', p_tenant, 'data', 'audit_log', 'days', 4141));

  -- a finished data export (its id and file digest are needles) with a live download link
  v_errors := v_errors || tests.probe_insert('tenantd.tenant_exports', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'status', 'done',
    'file_sha256', encode(sha256(convert_to(p_label || 'export-file', 'utf8')), 'hex'),
    'link_token_hash', '\x' || encode(sha256(convert_to(p_label || 'export-link', 'utf8')), 'hex'),
    'link_expires_at', now() + interval '1 hour', 'error', p_label || '-export-error'));
  -- an API key (its name and prefix are needles; its hash is the tenant's own)
  v_errors := v_errors || tests.probe_insert('tenantd.api_keys', jsonb_build_object(
    'tenant_id', p_tenant, 'id', gen_random_uuid(), 'name', p_label || '-api-key-name',
    'prefix', 'tdk_' || left(md5(p_label || 'api-key'), 8),
    'key_hash', '\x' || encode(sha256(convert_to(p_label || 'api-key', 'utf8')), 'hex'),
    'permissions', array['members:read'], 'created_by', p_admin));

  select array_agg(e) into v_errors from unnest(v_errors) e where e is not null;
  return coalesce(v_errors, '{}');
end
$$;

-- The statement that sets tenant A's context the way the service does: a call of
-- tenantd.enter_context, whatever its parameters are now (matched by name: refs/tenant → A,
-- user → the admin, role, request id, route; anything else NULL).
create or replace function tests.probe_enter_sql(p_tenant uuid, p_user uuid, p_role text)
returns text
language sql stable
as $$
  select format('select to_jsonb(r) from %I.%I(%s) r', n.nspname, p.proname,
         (select string_agg(
                   case
                     when a.name ~ 'ref|tenant' and a.typ = 'text[]'::regtype then format('array[%L]::text[]', p_tenant)
                     when a.name ~ 'ref|tenant' then format('%L::%s', p_tenant, a.typ::regtype)
                     when a.name ~ 'user' then format('%L::%s', p_user, a.typ::regtype)
                     when a.name ~ 'role' then format('%L::%s', p_role, a.typ::regtype)
                     when a.name ~ 'request' then format('%L::%s', 'cross-tenant-probe', a.typ::regtype)
                     when a.name ~ 'route' then format('%L::%s', '/cross-tenant-probe', a.typ::regtype)
                     else format('null::%s', a.typ::regtype)
                   end, ', ' order by a.ord)
            from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                        coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs])),
                        p.proargnames) with ordinality a (typ, mode, name, ord)
           where a.mode in ('i', 'b')))
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'tenantd' and p.proname = 'enter_context'
   order by p.pronargs desc
   limit 1
$$;

-- The probe. For every function and procedure in schema api (all overloads) it builds argument
-- lists by type and calls each as tenantd_app inside tenant A's context (tests.probe_enter_sql),
-- each call in its own subtransaction that is rolled back afterwards:
--   uuid      each of B's uuids                          (one call per value)
--   text      each of B's values (uuids as text, slug, emails, keys, names, …)
--   jsonb     per B value: an object whose id-shaped fields all carry it, and that object in
--             an array
--   text[] / uuid[]  all of B's values / uuids at once
--   others    small defaults (5, true, now(), 32 bytes that are no B hash); NULL when nothing fits
-- One argument varies at a time; the others take A's value of the column with the same name
-- (p_role → A's memberships.role, p_key → A's config key, …) or a plain default, so that
-- validation passes and the B value reaches the lookup. One more call gives every argument
-- B's value of the column with its name, one gives all of them A's values and one passes NULL
-- everywhere (the "no filter" of list functions). Arguments that name the tenant (p_tenant,
-- p_tenant_id, p_tenant_ref: public entry points such as login name it explicitly) always
-- get A: naming a tenant there is the caller's choice by design, not a crossing.
-- After each call, as the superuser in the same subtransaction: the answer (every row as
-- text, or the error message, detail and hint: an error is a correct refusal but must not
-- leak either) must contain none of B's values except those the call itself passed or that
-- are now legitimately A's (a row of A holds them after the call, e.g. a member A just added
-- by B's email), and B's digest must be unchanged.
-- Returns one row per function: its calls, leaks ("value in answer (args)") and changes.
-- tests.probe_remote_open(): (re)opens the probe's second session, 'probe', to this database as
-- this superuser over the Unix socket (dblink). On Citus the probe cannot make its calls in
-- subtransactions of the file's transaction: Citus refuses a role on shard placements another
-- role modified earlier in the transaction, and a rollback to a savepoint does not undo that,
-- so the tenantd_app of one call would meet the owner's writes of the one before (definer
-- functions run as tenantd_owner). There every call runs in a transaction of its own in this
-- second session, which sees what the file committed (the Citus harness of scripts/pgtap.sh
-- commits the seed), and is rolled back after its checks.
create or replace function tests.probe_remote_open()
returns void
language plpgsql volatile
as $$
begin
  if 'probe' = any (coalesce(public.dblink_get_connections(), '{}')) then
    perform public.dblink_disconnect('probe');
  end if;
  perform public.dblink_connect('probe', format('dbname=%s user=%s host=%s port=%s', current_database(),
                                                current_user,
                                                split_part(current_setting('unix_socket_directories'), ',', 1),
                                                current_setting('port')));
  perform public.dblink_exec('probe', 'set client_min_messages = warning');
end
$$;

-- tests.probe_leak(hits, a_now, origin, arglist, answer): B's values found in one call's
-- answer (hits), less those A's own rows now hold (a_now): the line for the probe's leaks and
-- the seed rows those values came from (origin: value -> 'table.column, …'). Both NULL when
-- nothing is left.
create or replace function tests.probe_leak(p_hits text[], p_a_now text[], p_origin jsonb, p_arglist text,
                                            p_answer text, out leak text, out sources text[])
language sql immutable
as $$
  select format('%s (from %s) in answer of (%s): %s', x.hits,
                (select string_agg(p_origin ->> h, '; ') from unnest(x.hits) h), p_arglist, left(p_answer, 300)),
         array(select distinct btrim(o) from unnest(x.hits) h, unnest(string_to_array(p_origin ->> h, ',')) o)
    from (select array_agg(h) as hits from unnest(p_hits) h where not (h = any (coalesce(p_a_now, '{}')))) x
   where x.hits is not null
$$;

-- tests.probe_remote_own_values(tenant): tests.probe_values(tenant, true), read in the probe's
-- second session inside its open transaction (after a call, before the rollback). On Citus only
-- the role that wrote a tenant's shards in a transaction may read them again in it: a definer
-- call (tenantd_owner) leaves A's shards to the owner, an invoker call to tenantd_app. So the
-- superuser reads first, and where Citus refuses, the owner, then the app role (in A's context,
-- still set); each try in a savepoint, undone when refused. A role that sees fewer of A's rows
-- can only make more of B's values count as leaks, never fewer.
create or replace function tests.probe_remote_own_values(p_tenant uuid)
returns text[]
language plpgsql volatile
as $$
declare
  -- probe_values' query as text with the tenant inlined: the owner and the app role have no
  -- access to schema tests
  v_sql text := format($q$select distinct lower(v #>> '{}')
                            from (select distinct row_text from (%s) r0
                                   where (row_text::jsonb ->> 'tenant_id') = %L) r,
                                 lateral jsonb_path_query(r.row_text::jsonb, 'strict $.**') v
                           where jsonb_typeof(v) = 'string'$q$,
                       replace(tests.probe_rows_sql(), '$1', format('%L::uuid', p_tenant)), p_tenant);
  v_role text;
  v_values text[];
  v_refusals text := '';
begin
  foreach v_role in array array['', 'tenantd_owner', 'tenantd_app'] loop
    perform public.dblink_exec('probe', 'savepoint own_values');
    if v_role <> '' then
      perform public.dblink_exec('probe', format('set role %I', v_role));
    end if;
    select array_agg(r.v) into v_values from public.dblink('probe', v_sql, false) as r (v text);
    if public.dblink_error_message('probe') = 'OK' then
      perform public.dblink_exec('probe', 'reset role');
      perform public.dblink_exec('probe', 'release savepoint own_values');
      return coalesce(v_values, '{}');
    end if;
    v_refusals := v_refusals || format(' [%s: %s]', coalesce(nullif(v_role, ''), current_user),
                                       public.dblink_error_message('probe'));
    -- undoes the role too
    perform public.dblink_exec('probe', 'rollback to savepoint own_values');
  end loop;
  raise exception 'no role may read tenant %''s rows in this transaction:%', p_tenant, v_refusals;
end
$$;

-- (its result columns may change: dropped first, as pgtap.sh re-applies setup files)
-- p_only: probe only the api functions of that name (tests/sql/91 plants a leak and probes it alone).
drop function if exists tests.cross_tenant_probe(uuid, uuid, uuid);
drop function if exists tests.cross_tenant_probe(uuid, uuid, uuid, text);
create function tests.cross_tenant_probe(p_a uuid, p_a_admin uuid, p_b uuid, p_only text default null)
returns table (fn text, calls int, refused int, leaks text[], leak_sources text[], changes text[])
language plpgsql volatile
as $$
declare
  v_digest_sql text := tests.probe_digest_sql();
  v_digest text := tests.probe_digest(p_b);
  v_enter_sql text := tests.probe_enter_sql(p_a, p_a_admin, 'tenant_admin');
  v_entered jsonb;
  v_origin jsonb;
  v_leak record;
  v_needles text[];
  v_b_uuids text[];
  v_b_texts text[];
  v_a_rows jsonb;
  v_b_rows jsonb;
  v_fn record;
  v_call record;
  v_answer text;
  v_hits text[];
  v_a_now text[];
  v_after text;
  v_err text;
  v_detail text;
  v_hint text;
  v_refused boolean;
  -- on Citus, every call in a transaction of its own on a second session (below)
  v_remote constant boolean := exists (select 1 from pg_extension where extname = 'citus');
  v_tenant text;
begin
  if v_remote then
    perform tests.probe_remote_open();
  end if;
  select array_agg(value order by value) into v_needles from tests.probe_needles(p_a, p_b);
  select array_agg(value order by value) into v_b_uuids from tests.probe_needles(p_a, p_b) where is_uuid;
  select array_agg(value order by value) into v_b_texts from tests.probe_needles(p_a, p_b) where not is_uuid;
  -- B value → the columns it comes from ("tenantd.users.display_name"), to say what leaked
  select jsonb_object_agg(value, origins) into v_origin
    from (select lower(v #>> '{}') as value, string_agg(distinct r.rel || '.' || e.key, ', ') as origins
            from (select distinct * from tests.probe_rows(p_b)) r,
                 lateral jsonb_each(r.row_text::jsonb) e,
                 lateral jsonb_path_query(e.value, 'strict $.**') v
           where jsonb_typeof(v) = 'string'
           group by 1) o;
  -- column name → first value, for A's and B's row sets (tenant tables first, so that a name
  -- such as id or role takes the tenant's own value rather than a global row's)
  select jsonb_object_agg(k, v) into v_a_rows
    from (select distinct on (e.key) e.key as k, e.value as v
            from tests.probe_rows(p_a) r, jsonb_each(r.row_text::jsonb) e
           where jsonb_typeof(e.value) in ('string', 'number', 'boolean')
           order by e.key, r.rel = 'tenantd.tenants', r.rel, r.row_text) x;
  select jsonb_object_agg(k, v) into v_b_rows
    from (select distinct on (e.key) e.key as k, e.value as v
            from tests.probe_rows(p_b) r, jsonb_each(r.row_text::jsonb) e
           where jsonb_typeof(e.value) in ('string', 'number', 'boolean')
             and lower(e.value #>> '{}') = any (v_needles)
           order by e.key, r.rel, r.row_text) x;

  for v_fn in
    select p.oid, p.oid::regprocedure::text as sig, p.prokind,
           format('%I.%I', n.nspname, p.proname) as qname,
           coalesce(array_agg(a.typ order by a.ord) filter (where a.typ is not null), '{}') as types,
           coalesce(array_agg(coalesce(a.name, '') order by a.ord) filter (where a.typ is not null), '{}') as names
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
      left join lateral (
             select x.typ, x.name, x.ord
               from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                           coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs])),
                           p.proargnames) with ordinality x (typ, mode, name, ord)
              where x.mode in ('i', 'b', 'v')) a on true
     where n.nspname = 'api' and p.prokind in ('f', 'p') and (p_only is null or p.proname = p_only)
     group by p.oid, n.nspname, p.proname
     order by 2
  loop
    fn := v_fn.sig;
    calls := 0;
    refused := 0;
    leaks := '{}';
    leak_sources := '{}';
    changes := '{}';
    for v_call in
      with args as (
        select a.ord, a.typ::regtype as typ, regexp_replace(a.name, '^p_', '') as name,
               a.name ~ '^(p_)?tenant(_id|_ref)?$' as names_tenant,
               -- the request context of an endpoint function (tenantd.enter): NULL keeps the
               -- context the probe entered; B's candidates below try to enter B instead
               a.name = 'ctx' as is_ctx
          from unnest(v_fn.types, v_fn.names) with ordinality a (typ, name, ord)
      ),
      -- A's value for each argument (kept when another argument varies)
      defaults as (
        select g.ord, g.typ,
               case
                 when g.is_ctx then 'null::jsonb'
                 when g.names_tenant then format('%L::%s', p_a, g.typ)
                 -- a fresh address, so that "already a member / already invited" does not
                 -- stop the call before the B value is looked at
                 when g.typ = 'text'::regtype and g.name ~ 'email'
                   then format('%L', 'probe-' || left(md5(random()::text), 8) || '@probe-a.test')
                 when g.typ in ('uuid'::regtype, 'text'::regtype) and v_a_rows ? g.name
                   then format('%L::%s', v_a_rows ->> g.name, g.typ)
                 when g.typ = 'uuid'::regtype then format('%L::uuid', p_a_admin)
                 when g.typ = 'text'::regtype then quote_literal('probe')
                 when g.typ = 'jsonb'::regtype then '''{}''::jsonb'
                 when g.typ = 'json'::regtype then '''{}''::json'
                 when g.typ in ('text[]'::regtype, 'uuid[]'::regtype) then format('''{}''::%s', g.typ)
                 when g.typ in ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)
                   then format('5::%s', g.typ)
                 when g.typ = 'bool'::regtype then 'true'
                 when g.typ in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
                   then format('now()::%s', g.typ)
                 when g.typ = 'bytea'::regtype then quote_literal('\x' || repeat('ab', 32)) || '::bytea'
                 else format('null::%s', g.typ)
               end as expr
          from args g
      ),
      -- B's values for each argument
      candidates as (
        select g.ord, format('%L::uuid', u) as expr
          from args g, unnest(v_b_uuids) u
         where g.typ = 'uuid'::regtype and not g.names_tenant
        union all
        select g.ord, format('%L::text', t)
          from args g, unnest(v_b_uuids || v_b_texts) t
         where (g.typ in ('text'::regtype, 'varchar'::regtype) or g.typ::text = 'citext') and not g.names_tenant
        union all
        select g.ord, format('%L::%s', o.txt, g.typ)
          from args g,
               lateral (select jsonb_agg(j.obj) as objs, min(j.obj::text) as one
                          from (select t, jsonb_object_agg(f, t) as obj
                                  from unnest(v_b_uuids || v_b_texts) t,
                                       unnest(array['id', 'user_id', 'tenant_id', 'tenant', 'role', 'role_id',
                                                    'membership_id', 'invitation_id', 'session_id', 'email',
                                                    'key', 'slug', 'external_id', 'organization_id',
                                                    'org_id']) f
                                 group by t) j) js,
               -- each object alone, all of them in an array (bulk endpoints), one wrapped in
               -- "data" (webhook-shaped payloads)
               lateral (select x.value::text from jsonb_array_elements(js.objs) x
                        union all select js.objs::text
                        union all select jsonb_build_object('data', js.one::jsonb)::text) o (txt)
         where g.typ in ('jsonb'::regtype, 'json'::regtype) and not g.is_ctx
        union all
        -- a context naming B (by id and by slug) for A's admin, and a context that names no
        -- tenant: tenantd.enter must refuse the first (no membership in B) and the second
        -- must see nothing of B
        select g.ord, format('%L::jsonb', c.obj)
          from args g,
               lateral (select jsonb_build_object('refs', jsonb_build_array(r), 'user_id', p_a_admin,
                                                  'role', 'tenant_admin', 'subject', p_a_admin,
                                                  'request_id', 'probe', 'route', 'probe') as obj
                          from unnest(array[p_b::text, (select t.slug from tenantd.tenants t where t.id = p_b)]) r
                        union all
                        select jsonb_build_object('user_id', p_a_admin, 'role', 'tenant_admin',
                                                  'request_id', 'probe', 'route', 'probe')) c
         where g.is_ctx
        union all
        select g.ord, format('%L::%s', case when g.typ = 'uuid[]'::regtype then v_b_uuids
                                            else v_b_uuids || v_b_texts end, g.typ)
          from args g
         where g.typ in ('text[]'::regtype, 'uuid[]'::regtype)
      ),
      all_b as (
        select g.ord,
               coalesce((select c.expr from candidates c where c.ord = g.ord
                          and c.expr like format('%L%%', v_b_rows ->> g.name) limit 1),
                        (select c.expr from candidates c where c.ord = g.ord limit 1),
                        d.expr) as expr
          from args g join defaults d using (ord)
      )
      select string_agg(case when d.ord = c.ord then c.expr else d.expr end, ', ' order by d.ord) as arglist
        from candidates c cross join defaults d
       group by c.ord, c.expr
      union all
      select string_agg(expr, ', ' order by ord) from all_b
      union all
      -- A's values only, and every argument NULL (which list functions read as "no filter"):
      -- what the function shows A without being asked for B must not hold B either
      select coalesce(string_agg(expr, ', ' order by ord), '') from defaults
      union all
      select coalesce(string_agg(case when g.names_tenant then d.expr else format('null::%s', g.typ) end,
                                 ', ' order by g.ord), '')
        from args g join defaults d using (ord)
    loop
      calls := calls + 1;
      v_answer := null;
      v_refused := false;
      if v_remote then
        -- Citus: the call, as tenantd_app in A's context, then B's digest as the superuser, in
        -- one transaction of the second session, rolled back after. The same checks as below.
        begin
          perform public.dblink_exec('probe', 'begin');
          perform public.dblink_exec('probe', 'set role tenantd_app');
          select r.e into v_entered from public.dblink('probe', v_enter_sql) as r (e jsonb);
          select r.t into v_tenant
            from public.dblink('probe', $q$select current_setting('app.tenant_id', true)$q$) as r (t text);
          if tenantd.parse_uuid(v_tenant) is distinct from p_a then
            raise exception 'enter_context did not set tenant A: %', v_entered;
          end if;
          if v_fn.prokind = 'p' then
            if public.dblink_exec('probe', format('call %s(%s)', v_fn.qname, v_call.arglist), false) = 'ERROR' then
              v_refused := true;
            end if;
            v_answer := '';
          else
            select r.a into v_answer
              from public.dblink('probe', format('select coalesce(string_agg(t::text, E''\n''), '''') from %s(%s) as t',
                                                 v_fn.qname, v_call.arglist), false) as r (a text);
            v_refused := not found;
          end if;
          if v_refused then
            -- the message with its detail and hint, as libpq reports them
            v_answer := public.dblink_error_message('probe');
            perform public.dblink_exec('probe', 'rollback');
          else
            perform public.dblink_exec('probe', 'reset role');
          end if;
          v_answer := lower(v_answer);
          select array_agg(n) into v_hits
            from unnest(v_needles) n
           where strpos(v_answer, n) > 0 and strpos(lower(v_call.arglist), n) = 0;
          if v_hits is not null then
            if v_refused then
              select array_agg(value) into v_a_now from tests.probe_values(p_a, true);
            else
              v_a_now := tests.probe_remote_own_values(p_a);
            end if;
            select * into v_leak from tests.probe_leak(v_hits, v_a_now, v_origin, v_call.arglist, v_answer);
            if v_leak.leak is not null then
              leaks := leaks || v_leak.leak;
              leak_sources := array(select distinct x from unnest(leak_sources || v_leak.sources) x order by 1);
            end if;
          end if;
          if v_refused then
            refused := refused + 1;
          else
            select r.d into v_after
              from public.dblink('probe', format('select tests.probe_digest(%L)', p_b)) as r (d text);
            perform public.dblink_exec('probe', 'rollback');
            if v_after <> v_digest then
              changes := changes || format('%s changed by (%s)', tests.probe_digest_diff(v_digest, v_after),
                                           v_call.arglist);
            end if;
          end if;
        exception when others then
          get stacked diagnostics v_err = message_text;
          leaks := leaks || format('probe error for (%s): %s', v_call.arglist, v_err);
          perform tests.probe_remote_open();  -- a fresh session for the next call
        end;
        continue;
      end if;
      begin
        set local role tenantd_app;
        execute v_enter_sql into v_entered;
        if tenantd.parse_uuid(current_setting('app.tenant_id', true)) is distinct from p_a then
          raise exception 'enter_context did not set tenant A: %', v_entered;
        end if;
        begin
          if v_fn.prokind = 'p' then
            execute format('call %s(%s)', v_fn.qname, v_call.arglist);
            v_answer := '';
          else
            execute format('select coalesce(string_agg(t::text, E''\n''), '''') from %s(%s) as t',
                           v_fn.qname, v_call.arglist) into v_answer;
          end if;
        exception when others then
          get stacked diagnostics v_err = message_text, v_detail = pg_exception_detail,
                                  v_hint = pg_exception_hint;
          v_answer := concat_ws(E'\n', v_err, v_detail, v_hint);
          v_refused := true;
        end;
        reset role;
        v_answer := lower(v_answer);
        select array_agg(n) into v_hits
          from unnest(v_needles) n
         where strpos(v_answer, n) > 0 and strpos(lower(v_call.arglist), n) = 0;
        if v_hits is not null then
          -- values A's own rows hold now (the user id of a member A just added by B's email)
          -- are A's to see; the global rows they point at (that user's profile) are not
          select array_agg(value) into v_a_now from tests.probe_values(p_a, true);
          select * into v_leak from tests.probe_leak(v_hits, v_a_now, v_origin, v_call.arglist, v_answer);
          if v_leak.leak is not null then
            leaks := leaks || v_leak.leak;
            leak_sources := array(select distinct x from unnest(leak_sources || v_leak.sources) x order by 1);
          end if;
        end if;
        if v_refused then
          -- the error rolled the call back (its own subtransaction): nothing of it is left
          refused := refused + 1;
        else
          execute v_digest_sql using p_b into v_after;
          if v_after <> v_digest then
            changes := changes || format('%s changed by (%s)', tests.probe_digest_diff(v_digest, v_after),
                                         v_call.arglist);
          end if;
        end if;
        -- undo whatever the call did, so that every call starts from the same data
        raise exception using errcode = 'TDPRB';
      exception when sqlstate 'TDPRB' then
        null;
      when others then
        -- the probe itself failed (e.g. the context could not be set): report, never pass
        get stacked diagnostics v_err = message_text;
        leaks := leaks || format('probe error for (%s): %s', v_call.arglist, v_err);
      end;
    end loop;
    return next;
  end loop;
  if v_remote then
    perform public.dblink_disconnect('probe');
  end if;
end
$$;

revoke all on function tests.probe_remote_open(), tests.probe_remote_own_values(uuid),
  tests.probe_leak(text[], text[], jsonb, text, text) from public;
revoke all on function tests.probe_rows_sql(), tests.probe_rows(uuid), tests.probe_digest_sql(), tests.probe_digest(uuid), tests.probe_digest_diff(text, text),
  tests.probe_values(uuid, boolean), tests.probe_enter_sql(uuid, uuid, text), tests.probe_needles(uuid, uuid), tests.probe_insert(regclass, jsonb),
  tests.probe_seed(uuid, uuid, text), tests.cross_tenant_probe(uuid, uuid, uuid, text) from public;
