-- Custom domains count against the plan through the quota primitive (tenantd.consume_quota
-- 'domains', sql/45 and sql/88_tenantd.claim_domain); the domain branch's own limit reader is gone.
drop function if exists tenantd.domain_limit();
