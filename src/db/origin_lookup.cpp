#include "db/origin_lookup.hpp"

#include <pqxx/pqxx>

namespace tenantd::db {

bool origin_allowed(ConnectionPool& pool, const std::string& tenant_ref, const std::string& origin) {
  Lease lease = pool.acquire();
  try {
    pqxx::nontransaction tx(lease.conn());
    const pqxx::result r = tx.exec_params("select tenantd.allowed_origin($1, $2)", tenant_ref, origin);
    return r.size() == 1 && !r[0][0].is_null() && r[0][0].as<bool>();
  } catch (const pqxx::broken_connection&) {
    lease.mark_broken();
    throw;
  }
}

}  // namespace tenantd::db
