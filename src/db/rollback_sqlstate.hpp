#pragma once
#include <pqxx/except>
#include <string>

namespace tenantd::db {

// libpqxx 6 throws a rolled-back statement (deadlock, serialization failure, completion unknown)
// as pqxx::transaction_rollback, which is no pqxx::sql_error and carries no SQLSTATE. This gives
// the SQLSTATE back, so the problem table maps it like any other (40P01 and 40001: 503 retry)
// instead of the dispatcher's catch-all answering 500.
std::string rollback_sqlstate(const pqxx::transaction_rollback& e);

}  // namespace tenantd::db
