#include "db/usage_flush.hpp"

#include <pqxx/pqxx>

namespace tenantd::db {

long long record_api_calls(ConnectionPool& worker_pool, const std::string& counts_json) {
  Lease lease = worker_pool.acquire();
  try {
    pqxx::nontransaction tx(lease.conn());
    const pqxx::result r = tx.exec_params("select tenantd.record_api_calls($1::jsonb)", counts_json);
    return r.size() == 1 && !r[0][0].is_null() ? r[0][0].as<long long>() : 0;
  } catch (const pqxx::broken_connection&) {
    lease.mark_broken();
    throw;
  }
}

}  // namespace tenantd::db
