-- tenantd.reply: what every endpoint function api.<operation>(ctx, …) returns, one value per
-- request: the HTTP status, the JSON body PostgreSQL built (NULL for 204) and extra response
-- headers as a JSON object (Location, Idempotent-Replayed; NULL when none). The dispatcher
-- copies it to the response as it is, so a psql user calling api.* sees exactly what a client
-- gets. A type rather than a table of columns per function: one shape for 50 functions, one
-- prepared statement form in the C++ layer (src/db/api_call.cpp).
create type tenantd.reply as (status int, body json, headers json);
