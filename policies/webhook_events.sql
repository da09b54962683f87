-- tenantd.webhook_events: identity-provider deliveries. Global (see 0030_webhook_events.sql and
-- tenantd.global_tables()): no RLS; only the owner touches it, through the SECURITY DEFINER
-- functions sql/86_* and 87_*. The readonly role may look (operators); the app role may not.
revoke all on tenantd.webhook_events from public, tenantd_app;
grant select on tenantd.webhook_events to tenantd_readonly;
