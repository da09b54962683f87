#pragma once
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace tenantd::db {

struct Statement {
  std::string name;
  std::string sql;
};

// Each resource file registers its named statements (from its register_* function, before
// the pool opens any connection); every new connection prepares all of them.
void add_statements(const std::vector<Statement>& statements);

// Prepares every registered statement on a fresh connection (libpqxx sends the PREPARE
// lazily on first use). Does nothing when named statements are switched off.
void prepare_statements(pqxx::connection& conn);

// DB_PREPARED_STATEMENTS: with false, TenantTx::exec_prepared sends a registered statement's
// text as an unnamed statement instead of executing the named one. A transaction pooler hands
// each transaction whichever server connection is free, where a statement prepared on another
// one does not exist. Set once at start-up, before the pool opens a connection.
void set_prepared_statements(bool enabled);
bool prepared_statements();

// The SQL text registered under `name` (std::logic_error when there is none).
const std::string& statement_sql(const std::string& name);

// RFC 3339 UTC text of a timestamptz column, whatever the session time zone is.
std::string ts(const std::string& column);

}  // namespace tenantd::db
