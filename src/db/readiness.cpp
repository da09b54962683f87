#include "db/readiness.hpp"

namespace tenantd::db {

MigrationState migration_state(ConnectionPool& pool) {
  auto lease = pool.acquire();
  try {
    pqxx::nontransaction tx(lease.conn());
    auto r = tx.exec("select coalesce(max(version), 0), count(*) from tenantd_migrations.history");
    return {r[0][0].as<int>(), r[0][1].as<int>()};
  } catch (const pqxx::broken_connection&) {
    lease.mark_broken();
    throw;
  }
}

}  // namespace tenantd::db
