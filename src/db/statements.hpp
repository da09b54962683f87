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
// lazily on first use).
void prepare_statements(pqxx::connection& conn);

// RFC 3339 UTC text of a timestamptz column, whatever the session time zone is.
std::string ts(const std::string& column);

}  // namespace tenantd::db
