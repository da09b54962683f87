-- Idempotency keys (IETF httpapi Idempotency-Key draft, DESIGN §6). One row per (scope, key):
-- scope is the caller (principal and tenant, or the client address on public routes). The row
-- is written in the same transaction as the request's effect, with the response to replay.
--
-- Global table without RLS: the caller's scope is its isolation key, and only the SECURITY
-- DEFINER functions sql/98_* read or write it; the app role has no grants (listed in
-- tenantd.global_tables()).
create table tenantd.idempotency_keys (
  scope text not null check (length(scope) between 1 and 600),
  key text not null check (length(key) between 1 and 255),
  fingerprint text not null,
  response_status integer,
  response_body text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (scope, key)
);

-- the sweep job deletes by expiry
create index idempotency_keys_expires_at_idx on tenantd.idempotency_keys (expires_at);
