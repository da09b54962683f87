-- tenantd.global_tables(): the tables that deliberately have no row-level security because they
-- hold no tenant data, one line each with the reason. tenantd.rls_audit() reports any other
-- table without RLS in schemas tenantd and api ('unlisted_global_table'): adding a global table
-- means adding its line here, where a reviewer sees it.
-- Names are schema-qualified as format('%I.%I', schema, table) spells them.
-- Sorted first in policies/ (00_) so nothing here depends on later files.
create or replace function tenantd.global_tables()
returns table (table_name text, reason text)
language sql immutable parallel safe
as $$
  values
    ('tenantd.plans',
     'plan catalogue (limits, feature flags): reference data shared by every tenant'),
    ('tenantd_migrations.history',
     'migration runner bookkeeping: file names and checksums, no tenant data'),
    ('tenantd_migrations.repeatable',
     'migration runner bookkeeping: checksum of sql/ and policies/, no tenant data'),
    ('tenantd.idempotency_keys',
     'stored answers keyed by the caller''s scope (principal and tenant, or client address); reached only through SECURITY DEFINER functions'),
    ('tenantd.jobs',
     'work queue: reached only by workers through SECURITY DEFINER functions; a job names its tenant in its payload'),
    ('tenantd.webhook_events', 'identity-provider deliveries keyed by the provider''s event id; reached only through SECURITY DEFINER functions'),
    ('tenantd.metric_counters',
     'counters and histograms of the workers (job kinds, outcomes, durations), no tenant data; written and read through SECURITY DEFINER functions'),
    ('tenantd.worker_heartbeats',
     'worker threads'' last sign of life, no tenant data; written and read through SECURITY DEFINER functions'),
    ('tenantd.platform_admins',
     'registered platform operators (token subjects), no tenant data; written by the owner only, read through SECURITY DEFINER functions'),
    ('tenantd.tenant_tombstones',
     'what remains of a purged tenant: its id, a hash of its slug, dates and row counts; written by the purge functions only'),
    ('tenantd.platform_log',
     'counts of what purges and retention sweeps removed, never row contents; written by their functions only'),
    ('tenantd.plan_retention',
     'per-plan retention defaults and bounds (days per kind of data): reference data like the plans')
$$;

revoke all on function tenantd.global_tables() from public;
grant execute on function tenantd.global_tables() to tenantd_readonly;
