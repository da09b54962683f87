-- Platform operators (super_admin) are subjects registered in the database, never a bare token
-- claim: a token signed by a configured key says who the caller is, this table says whether that
-- subject may act as an operator. tenantd.enter_context refuses a super_admin claim whose subject
-- is not listed here (operator_not_registered) in the same round trip that sets the context, so
-- removing a row takes effect on the caller's next request.
--
-- Global table without RLS: it names no tenant. Only the owner writes it (`tenantd admins`
-- through MIGRATE_DATABASE_URL, sql/12_*); the app role has no grant at all and reaches it only
-- through SECURITY DEFINER functions (listed in tenantd.global_tables()).
create table tenantd.platform_admins (
  -- the token's `sub`, exactly as the identity provider spells it (a user uuid or any string)
  subject text primary key check (length(subject) between 1 and 255 and subject !~ '[[:cntrl:]]'),
  created_at timestamptz not null default now(),
  -- the database role that registered it (the migrator, a DBA): who to ask about this operator
  created_by text not null default session_user
);

-- enter_context's signature changes (the token subject, the effective role in the answer); the
-- old one must go so that no caller keeps a version that trusts the role claim.
drop function if exists tenantd.enter_context(text[], text, text, text, text);
