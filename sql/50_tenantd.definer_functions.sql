-- tenantd.definer_functions(): every SECURITY DEFINER function the schema may have, with the
-- reason it cannot run as its caller. tenantd.rls_audit() reports any other
-- (unlisted_definer_function) and any definer function in schema api (endpoint functions run as
-- the caller). A definer function runs as tenantd_owner, whose policies (tenantd.owner_policies())
-- show rows the caller could not see: each one here is small, cross-tenant by nature, and
-- returns only what its caller may see. docs/architecture.md explains each at more length.
-- Adding a definer function means adding it here, in the same commit, with its reason.
create or replace function tenantd.definer_functions()
returns table (function_name text, reason text)
language sql immutable parallel safe
as $$
  values
    -- the request context: before it is set, the policies hide every row
    ('tenantd.enter_checked(jsonb)', 'resolves the tenant and checks the principal before any context exists; returns the tenant id only (tenantd.enter, which every endpoint calls, runs it and writes the super admin''s audit row as the caller)'),
    ('tenantd.enter_context(text[],text,text,text,text,text)', 'the same for psql users and the pgTAP probe (returns id, status, problem, role)'),
    ('tenantd.is_platform_admin(text)', 'reads the operator registry, which no login role may list'),
    -- tenant data lifecycle: jobs of tenantd_worker, which has no rights on tenant tables
    ('tenantd.key_rotation_read(uuid)', 'the tenant key rotation job reads one tenant''s data keys and secrets (tenantd_worker only)'),
    ('tenantd.purge_step(uuid,integer)', 'the purge job deletes one batch of a purged tenant''s rows from every tenant table (tenantd_worker only)'),
    ('tenantd.request_purge(uuid,text)', 'a registered operator (or the grace sweep) starts a purge: tombstone and job, platform tables'),
    ('tenantd.enqueue_due_purges(integer)', 'the maintenance job finds tenants deleted past PURGE_GRACE_DAYS across tenants (tenantd_worker only)'),
    ('tenantd.key_rotation_apply(uuid,jsonb,jsonb)', 'the tenant key rotation job stores the new key and the re-sealed secrets and shreds the old key (tenantd_worker only)'),
    -- tenant data export: the job's bookkeeping; the rows are read as tenantd_readonly (export_rows, invoker)
    ('tenantd.enqueue_export(uuid)', 'the app role may not add jobs: queues the export job of a queued export of the caller''s own tenant'),
    ('tenantd.export_start(uuid,uuid)', 'the export job marks one tenant''s export running (its own policies, as that tenant) and reads its wrapped data keys (tenantd_worker only)'),
    ('tenantd.export_finish(uuid,uuid,text,text,bigint,jsonb)', 'the export job records the written file and row counts on one tenant''s export (tenantd_worker only)'),
    ('tenantd.export_failed(uuid,uuid,text,boolean)', 'a failed export attempt records its error on one tenant''s export (tenantd_worker only)'),
    -- identities are global: finding one by email or keeping its copies in step crosses tenants
    ('tenantd.create_member(text,text,text,text,integer)', 'finds or creates the global identity by email and counts its memberships in other tenants (MAX_TENANTS_PER_USER)'),
    ('tenantd.set_member_display_name(uuid,text)', 'a member renaming themself: the memberships update policy needs members:write, which they lack'),
    ('tenantd.tg_memberships__copy_user()', 'copies the identity''s email and disabled flag into the membership; the writer may not see the users row'),
    ('tenantd.tg_users__sync_memberships()', 'an identity''s new email or disabled flag reaches its memberships in every tenant'),
    ('tenantd.tg_memberships__keep_admin()', 'counts the tenant''s active admins whatever the writer may read'),
    ('tenantd.activate_after_onboarding()', 'the last onboarding step activates the tenant, a status change tenant roles may not write'),
    -- public routes: no principal yet, the row is found by what the request presents
    ('tenantd.accept_invitation(bytea,text,text,integer)', 'finds the invitation by its token hash and joins the person to its tenant'),
    ('tenantd.check_invitation_token(bytea)', 'finds the invitation by its token hash before any password work'),
    ('tenantd.auth_login_begin(text,text)', 'finds the tenant and the membership credential by slug and email'),
    ('tenantd.auth_login_complete(uuid,uuid,text,bytea,integer)', 'compares the credential inside the database; the app role never reads it'),
    ('tenantd.auth_logout(uuid,bytea)', 'finds the session by its refresh-token hash'),
    ('tenantd.auth_refresh(uuid,bytea,bytea,integer)', 'finds and rotates the session by its refresh-token hash'),
    ('tenantd.signup(text,text,text,text,text,text,bytea,bytea)', 'creates a tenant and its first admin for a caller who has no context'),
    ('tenantd.signup_rate_hit(text,integer)', 'counts sign-ups per client address across tenants'),
    ('tenantd.tenant_status(uuid)', 'the public status page: no context, returns the status columns only'),
    ('tenantd.reveal_signup_token(uuid,text)', 'reveals the sign-up token once to the holder of its key; the app role has no grant on tenant_signups'),
    ('tenantd.enqueue_provisioning(uuid)', 'enqueues or resets the provisioning job; owner-only (sign-up), the app role has no grant on the queue'),
    ('tenantd.request_provisioning(uuid)', 'the app role''s one gate to enqueue_provisioning: a registered operator only'),
    ('tenantd.sweep_signup_attempts()', 'housekeeping across tenants'),
    -- the workers (tenantd_worker) and the queue
    ('tenantd.provision_tenant(uuid,integer,integer)', 'provisioning acts for the platform in a tenant nobody is signed in to'),
    ('tenantd.provisioning_failed(uuid,text,integer,boolean)', 'records a failed provisioning on the tenant'),
    ('tenantd.receive_webhook_event(text,text,jsonb)', 'records an identity-provider event for the workers'),
    ('tenantd.apply_webhook_event(text,integer)', 'applies a provider event to whichever tenant and identity it names'),
    ('tenantd.fail_webhook_event(text,text,integer)', 'records a failed provider event'),
    ('tenantd.sweep_webhook_events(integer)', 'housekeeping across tenants'),
    ('tenantd.enqueue_job(text,jsonb,timestamp with time zone,integer,text)', 'the queue is readable by no login role; enqueueing goes through here'),
    ('tenantd.claim_job(text,integer,text[])', 'the queue: workers only'),
    ('tenantd.lock_job(bigint,text)', 'the queue: workers only'),
    ('tenantd.complete_job(bigint,text)', 'the queue: workers only'),
    ('tenantd.fail_job(bigint,text,text,integer)', 'the queue: workers only'),
    ('tenantd.retry_job(bigint)', 'the queue: registered operators only'),
    ('tenantd.list_jobs(text,text,bigint,integer)', 'the queue: registered operators only'),
    ('tenantd.cleanup_sessions(integer)', 'housekeeping across tenants'),
    ('tenantd.sweep_idempotency_keys()', 'housekeeping across tenants'),
    ('tenantd.sweep_jobs(integer)', 'housekeeping across tenants'),
    ('tenantd.sweep_login_attempts()', 'housekeeping across tenants'),
    ('tenantd.idempotency_begin(text,text,text,integer)', 'the idempotency records are readable by no login role; begin claims or replays one'),
    ('tenantd.idempotency_finish(text,text,integer,text)', 'stores the answer under the key begin claimed'),
    -- observability: counters that outlive a process, aggregates for /metrics and /readyz
    ('tenantd.observe_metric(text,jsonb,double precision,double precision[])', 'workers count finished jobs and durations; no login role may write the counters otherwise'),
    ('tenantd.observe_provisioning(uuid,text,double precision[])', 'reads the tenant''s creation time for the provisioning histogram; the worker has no grants on tenants'),
    ('tenantd.worker_heartbeat(text,boolean)', 'a worker''s sign of life; no login role has grants on the heartbeats'),
    ('tenantd.job_queue_health(integer)', 'counts queued and running jobs and live workers for /readyz; returns numbers only'),
    ('tenantd.metric_samples()', 'aggregates the queue, webhook events and counters for /metrics; returns counts by kind and state only'),
    -- quotas
    ('tenantd.quota_used(text)', 'counts the current tenant''s members, roles, domains, API keys or live sessions whatever the caller may read (an invitee sees only their own membership); returns a number'),
    -- usage metering
    ('tenantd.record_api_calls(jsonb)', 'one flush of a process''s in-memory api_calls holds many tenants'' counts; writes each inside the tenant it sets; worker role only'),
    ('tenantd.record_usage_events(jsonb)', 'app-defined meters add to usage_daily, which no login role may write (a compromised app role must not lower billed usage); records the current tenant''s events with the caller''s usage:write and adds exactly those'),
    ('tenantd.snapshot_usage(date,bigint)', 'the daily users_count and storage sample of every tenant; enters each tenant in turn; worker role only'),
    -- custom domains: a verified hostname is looked up across tenants; the job writes states the app role may not
    ('tenantd.tenant_of_domain(text)', 'Host routing and the public on-demand TLS ask find a verified hostname''s tenant before any context; returns the id only'),
    ('tenantd.enqueue_domain_check(uuid,uuid)', 'queues a DNS check of a domain of the current tenant; the app role has no grant on the queue'),
    ('tenantd.enqueue_claim_check(uuid,uuid)', 'queues the first DNS check of a pending claim of the current tenant at its generation; the app role has no grant on the queue; reads the domain, writes none'),
    ('tenantd.domain_check_target(uuid,uuid,integer)', 'the verification job reads the domain it checks; workers only'),
    ('tenantd.record_domain_check(uuid,uuid,integer,boolean,text,integer,integer,integer)', 'the verification job records verified/failed/expired/unverified and fails other tenants'' claims of a hostname it verified; workers only'),
    -- allowed origins (CORS): a preflight carries no credentials, so there is no context yet
    ('tenantd.allowed_origin(text,text)', 'the CORS check of a request that names a tenant by path or Host, before any authentication; returns one boolean, which the preflight answers publicly anyway'),
    -- API keys: found by the hash of what the request presents (in tenantd.enter_checked, listed above)
    ('tenantd.record_api_key_use(jsonb)', 'one flush of a process''s in-memory key uses stamps last_used_at of many tenants'' keys, found by hash; worker role only'),
    -- live events: every writer of a tenant, job or domain records an event only the owner may write
    ('tenantd.tg_tenants__event()', 'a tenant''s status change is recorded as an event whoever made it; only the owner writes events (a trigger, not callable)'),
    ('tenantd.tg_jobs__event()', 'a job''s state change is recorded as an event; only the owner writes events (a trigger, not callable)'),
    ('tenantd.tg_domains__event()', 'a domain''s verification state change is recorded as an event; only the owner writes events (a trigger, not callable)'),
    ('tenantd.operator_retry_job(bigint)', 'the queue: a registered operator''s retry of a failed job (POST /v1/admin/jobs/{id}/retry); the app role has no grant on the queue'),
    ('tenantd.tenant_status_events(uuid,bigint)', 'the public status stream''s replay: no context; returns one tenant''s status events, the public status shape only'),
    -- retention: the sweep deletes expired rows from tables no login role may delete from
    ('tenantd.retention_step(jsonb)', 'the retention sweep deletes one batch of expired audit, invitation, session and usage-event rows per tenant and records the counts in the platform log (tenantd_worker only)')
$$;

revoke all on function tenantd.definer_functions() from public;
grant execute on function tenantd.definer_functions() to tenantd_readonly;
