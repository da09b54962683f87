#include "db/usage_flush.hpp"

#include <pqxx/pqxx>

namespace tenantd::db {

namespace {

// `select <function>($1::jsonb)` on a worker connection, its bigint answer (0 for none).
long long call_worker_jsonb(ConnectionPool& worker_pool, const char* sql, const std::string& json) {
  Lease lease = worker_pool.acquire();
  try {
    pqxx::nontransaction tx(lease.conn());
    const pqxx::result r = tx.exec_params(sql, json);
    return r.size() == 1 && !r[0][0].is_null() ? r[0][0].as<long long>() : 0;
  } catch (const pqxx::broken_connection&) {
    lease.mark_broken();
    throw;
  }
}

}  // namespace

long long record_api_calls(ConnectionPool& worker_pool, const std::string& counts_json) {
  return call_worker_jsonb(worker_pool, "select tenantd.record_api_calls($1::jsonb)", counts_json);
}

long long record_api_key_use(ConnectionPool& worker_pool, const std::string& uses_json) {
  return call_worker_jsonb(worker_pool, "select tenantd.record_api_key_use($1::jsonb)", uses_json);
}

}  // namespace tenantd::db
