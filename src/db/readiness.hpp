#pragma once
#include "db/pool.hpp"

namespace tenantd::db {

struct MigrationState {
  int latest_applied = 0;
  int applied_count = 0;
};

// The migration history as the service sees it (GET /readyz): one statement on a pooled
// connection. Throws when the database cannot be reached.
MigrationState migration_state(ConnectionPool& pool);

}  // namespace tenantd::db
