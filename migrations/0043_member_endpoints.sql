-- The member procedures became tenantd.create_member / update_member / delete_member (sql/40_*),
-- called by the endpoint functions api.* (ctx, …) that return tenantd.reply. An api.* name
-- has one signature (the dispatcher's calls leave parameter types to PostgreSQL), so the old
-- api signatures go before sql/ defines the new ones.
drop function if exists api.create_member(text, text, text, text, int);
drop function if exists api.create_member(text, text, text, text);
drop function if exists api.update_member(uuid, text, boolean, boolean, text);
drop function if exists api.delete_member(uuid);
