-- Who acted, when it was no user: an API key's actions have no actor_id (a key is not a person,
-- tenantd.enter sets no app.user_id for it) and actor_role 'api_key'; actor_subject names the key
-- ('api_key:<id>', app.subject), so an audit row says which key did it. For people it holds the
-- token's subject (their id, or an identity provider's user id, or an operator's subject).
-- A default like the other actor columns: every insert records it without naming it.
alter table tenantd.audit_log
  add column actor_subject text default nullif(pg_catalog.current_setting('app.subject', true), '')
  check (actor_subject is null or length(actor_subject) <= 255);
