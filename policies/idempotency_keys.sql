-- tenantd.idempotency_keys: global (see 0024_idempotency_keys.sql and tenantd.global_tables());
-- reached only through the SECURITY DEFINER functions sql/98–99, never directly.
revoke all on tenantd.idempotency_keys from public, tenantd_app, tenantd_readonly;
