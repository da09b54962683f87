-- idempotency_keys.key holds SHA-256 (hex) of the Idempotency-Key from now on (the service
-- hashes it before it reaches the database): a sign-up's key is a capability that reveals the
-- admin invitation token once (docs/signup.md), so a copy of the database must not contain it.
-- Rows stored before this migration held the raw key: hash them in place. (Their scope lacks
-- the resolved tenant the service now appends, so they never replay again; they expire and are
-- swept as before.)
update tenantd.idempotency_keys
   set key = encode(sha256(convert_to(key, 'UTF8')), 'hex');
