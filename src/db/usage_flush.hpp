#pragma once
#include <string>

#include "db/pool.hpp"

namespace tenantd::db {

// One flush of the in-memory api_calls counts (http/usage_meter.hpp): one statement,
// `select tenantd.record_api_calls($1)`, on a pool of the worker role (the only role that may
// run it). Returns the number of calls recorded; throws what libpqxx throws.
long long record_api_calls(ConnectionPool& worker_pool, const std::string& counts_json);

// One flush of the in-memory API key uses (http/api_key_use.hpp): `select
// tenantd.record_api_key_use($1)` on the worker pool. Returns the number of keys stamped.
long long record_api_key_use(ConnectionPool& worker_pool, const std::string& uses_json);

}  // namespace tenantd::db
