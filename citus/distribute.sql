-- The distribution step: where each tenantd table lives on a Citus cluster. Run on the
-- coordinator, as the migrator, after `tenantd migrate up`; idempotent (a table already placed
-- is left as it is; new functions of schema tenantd are put on the workers), so it runs after
-- every deploy:
--   psql "$MIGRATE_DATABASE_URL" -v ON_ERROR_STOP=1 -f citus/distribute.sql
-- docs/scale-out.md explains each choice for a DBA.
\set ON_ERROR_STOP on
set client_min_messages = warning;

-- Tables with triggers: every trigger of tenantd keeps its own row in step (stamps, column
-- guards, copies of users.email), so firing on the shard that holds the row is what they need.
-- Citus refuses to distribute a table with triggers unless told so.
set citus.enable_unsafe_triggers = on;
-- One DDL connection per node: creating objects on the workers after a multi-shard command in
-- the same transaction needs it.
set citus.multi_shard_modify_mode = 'sequential';

-- Settings every session gets (Citus forwards these ALTERs to the workers too): SET LOCAL of
-- the request context (app.*) is forwarded to the workers, where the shards' policies read it;
-- triggers stay allowed for migrations that create or replace them later; the migrator's
-- re-application of sql/ and policies/ in one transaction runs in sequential mode.
alter database tenantd set citus.propagate_set_commands = 'local';
alter database tenantd set citus.enable_unsafe_triggers = on;
alter role tenantd_migrator in database tenantd set citus.multi_shard_modify_mode = 'sequential';
-- Every session plans multi-shard commands sequentially (one connection per node): after a
-- parallel multi-shard read, Citus refuses a write to a reference table in the same transaction
-- ("cannot modify table users because there was a parallel operation on a distributed
-- table"; POST /v1/users answered 500). tenantd's requests name their tenant and run on one
-- shard; only platform sweeps span shards, and they lose the parallelism only.
alter database tenantd set citus.multi_shard_modify_mode = 'sequential';

create temporary table citus_placement (position int, table_name regclass, how text, reason text);
insert into citus_placement values
  -- reference tables: one full copy on every node, written with two-phase commit, read locally
  (1, 'tenantd.plans', 'reference', 'plan catalogue, read by every tenant, written by operators'),
  (2, 'tenantd.users', 'reference', 'global identities: email and identity-provider links are unique across tenants'),
  (3, 'tenantd.platform_admins', 'reference', 'operator registry, read when a request enters'),
  (4, 'tenantd.tenants', 'reference', 'slug and external_id are unique across tenants and decide sign-up races'),
  (5, 'tenantd.domains', 'reference', 'a verified hostname has one owner in the whole platform (the partial unique index on hostname, which cannot include tenant_id); claims are rare writes'),
  (6, 'tenantd.api_keys', 'reference', 'a presented API key is found by its hash alone on every request (a unique index that cannot include tenant_id); keys are few and rarely written, last_used_at in batches'),
  (7, 'tenantd.tenant_tombstones', 'reference', 'the purge policies of every tenant table ask whether the tenant being purged has an unfinished tombstone; written once per purge'),
  (8, 'tenantd.plan_retention', 'reference', 'per-plan retention bounds, read with the plan by every tenant''s retention, written by operators'),
  -- tenant tables: distributed by tenant_id, all in one colocation group, so a request's rows
  -- of every table are on the node that holds the tenant; ordered so that a table's foreign
  -- keys point at tables already distributed
  (10, 'tenantd.roles', 'tenant', null),
  (11, 'tenantd.role_permissions', 'tenant', null),
  (12, 'tenantd.memberships', 'tenant', null),
  (13, 'tenantd.sessions', 'tenant', null),
  (14, 'tenantd.audit_log', 'tenant', null),
  (15, 'tenantd.tenant_configs', 'tenant', null),
  (16, 'tenantd.onboarding_steps', 'tenant', null),
  (17, 'tenantd.invitations', 'tenant', null),
  (18, 'tenantd.login_attempts', 'tenant', null),
  (19, 'tenantd.tenant_signups', 'tenant', null),
  (20, 'tenantd.entitlement_overrides', 'tenant', null),
  (21, 'tenantd.quota_counters', 'tenant', null),
  (22, 'tenantd.usage_daily', 'tenant', null),
  (23, 'tenantd.allowed_origins', 'tenant', null),
  (24, 'tenantd.usage_events', 'tenant', null),
  (25, 'tenantd.tenant_data_keys', 'tenant', null),
  (26, 'tenantd.retention_settings', 'tenant', null),
  (27, 'tenantd.tenant_exports', 'tenant', null);
-- Left on the coordinator as ordinary tables (not in this list): tenantd.jobs,
-- tenantd.idempotency_keys, tenantd.webhook_events, tenantd.signup_attempts and the runner's
-- tenantd_migrations.*: queues and short-lived records taken with FOR UPDATE SKIP LOCKED, keyed
-- by something other than a tenant, written and read by the coordinator's sessions only.
-- Also there: tenantd.events (the live streams' recent events, announced by NOTIFY to the
-- coordinator's listener; the triggers on the reference tables tenants and domains record
-- nothing on Citus yet, see sql/22), tenantd.platform_log, tenantd.metric_counters and
-- tenantd.worker_heartbeats (platform records of the workers and the purge).
-- tenantd.metric_counters and tenantd.worker_heartbeats (the workers' counters and signs of life
-- for /metrics and /readyz, no tenant data) stay on the coordinator the same way.

begin;
-- What is placed already, read once before anything below takes a lock: the citus_tables view
-- computes every table's size over connections of its own, which wait for the locks this
-- transaction holds once it has dropped a foreign key (on an already-distributed database, a
-- table of a new migration referencing plans or tenants: distribute.sql hung there).
create temporary table citus_placed on commit drop as
select table_name, citus_table_type from citus_tables;
-- Foreign keys between the tables still to be placed are set aside and added back at the end:
-- Citus would otherwise turn a table that references a new reference table into a "citus local"
-- table, which then can no longer be distributed while other local tables reference it. In the
-- same transaction, so they are back (and checked) or the whole step is undone.
create temporary table citus_set_aside on commit drop as
select c.conrelid::regclass::text as table_name, c.conname, pg_get_constraintdef(c.oid) as definition
  from pg_constraint c
 where c.contype = 'f'
   and c.conrelid in (select table_name from citus_placement)
   and exists (select 1 from citus_placement p
                where p.table_name in (c.conrelid, c.confrelid)
                  and not exists (select 1 from citus_placed t
                                   where t.table_name = p.table_name
                                     and t.citus_table_type = case p.how when 'reference' then 'reference'
                                                                        else 'distributed' end));
-- The tables still to be placed, by name: a table that a new migration created with a foreign
-- key to a reference table is a "citus local" table already, and dropping that key makes Citus
-- turn it back into a plain table under a new OID, so OIDs taken before the drop name nothing.
-- The same for the set-aside keys above (names, not regclass).
create temporary table citus_todo on commit drop as
select p.position, p.table_name::text as name, p.how
  from citus_placement p
 where not exists (select 1 from citus_placed c
                    where c.table_name = p.table_name
                      and c.citus_table_type = case p.how when 'reference' then 'reference'
                                                          else 'distributed' end);
select format('alter table %s drop constraint %I', table_name, conname) from citus_set_aside
\gexec

select case p.how
         when 'reference' then format('select create_reference_table(%L)', p.name)
         else format('select create_distributed_table(%L, %L, colocate_with => %L)', p.name,
                     'tenant_id', case when p.position = 10 then 'none' else 'tenantd.roles' end)
       end
  from citus_todo p
 order by p.position
\gexec

select format('alter table %s add constraint %I %s', table_name, conname, definition)
  from citus_set_aside
\gexec
commit;

-- The policies' helpers run on the workers (the shards' policies call them) and so do the
-- trigger functions: create_distributed_function puts them on every node, and a later
-- CREATE OR REPLACE on the coordinator (migrate up) reaches the workers too.
select create_distributed_function(f.oid::regprocedure)
  from pg_proc f
  join pg_namespace n on n.oid = f.pronamespace
 where n.nspname = 'tenantd'
   and not exists (select 1 from pg_dist_object o
                    where o.classid = 'pg_proc'::regclass and o.objid = f.oid)
   -- functions over the coordinator's own tables (the job queue, idempotency records) stay
   -- there: Citus refuses to put a function on the workers without the tables it names
   and not exists (select 1 from pg_depend d
                    left join pg_type t on d.refclassid = 'pg_type'::regclass and t.oid = d.refobjid
                   where d.classid = 'pg_proc'::regclass and d.objid = f.oid
                     and coalesce(t.typrelid, case when d.refclassid = 'pg_class'::regclass then d.refobjid end)
                         in (select c.oid from pg_class c
                              where c.relnamespace in ('tenantd'::regnamespace, 'tenantd_migrations'::regnamespace)
                                and c.relkind in ('r', 'p')
                                and c.oid not in (select table_name from citus_tables)));

drop table citus_placement;

-- Policy helpers that read a reference table: a shard's policy calls them on the worker, inside
-- the shard's query, where Citus refuses any query on a Citus table ("cannot execute a
-- distributed query from a query on a shard") unless nested execution is allowed. For these
-- two, and only while they run, it is: each reads one row of a reference table, which the
-- worker answers from its own copy in the same transaction (what the hint's "possible
-- incorrectness" is about, reading other shards over other connections, cannot happen).
--   is_platform_admin: the tenants policies of a super admin's writes (creating a tenant as an
--     operator, status changes), evaluated on every node's copy of tenants;
--   purge_tenant_checked: the purge policies of every tenant table (the tombstone check).
-- And one trigger: tg_users__sync_memberships (a user's new email or disabled flag copied into
-- its memberships, a distributed table) fires on every node's copy of users; it returns at once
-- except on the coordinator, whose copy is written by its own backend, so the memberships are
-- updated in the coordinator's distributed transaction, with the change of the user.
-- Again after every deploy: CREATE OR REPLACE (migrate up) resets a function's settings.
alter function tenantd.is_platform_admin(text) set citus.allow_nested_distributed_execution = on;
alter function tenantd.purge_tenant_checked() set citus.allow_nested_distributed_execution = on;
alter function tenantd.tg_users__sync_memberships() set citus.allow_nested_distributed_execution = on;
