#pragma once

namespace tenantd::db {

// DB_PREPARED_STATEMENTS: true (the default) prepares each api.* call once per connection and
// executes it by name; false sends it as an unnamed statement every time. A transaction pooler
// (PgBouncer in transaction mode) hands each transaction whichever server connection is free,
// where a statement prepared on another one does not exist. Set once at start-up, before the
// pool opens a connection.
void set_prepared_statements(bool enabled);
bool prepared_statements();

}  // namespace tenantd::db
