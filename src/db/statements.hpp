#pragma once
#include <pqxx/pqxx>

namespace tenantd::db {

// Prepares every named statement the service uses on a fresh connection (once per
// connection; libpqxx sends the PREPARE lazily on first use).
void prepare_statements(pqxx::connection& conn);

}  // namespace tenantd::db
