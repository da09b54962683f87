#pragma once
#include <string>

#include "db/pool.hpp"

namespace tenantd::db {

// The CORS check of one (tenant reference, origin): one statement,
// `select tenantd.allowed_origin($1, $2)`, on the app pool, outside any transaction of a request
// (a preflight has no context; the function is a small security definer, sql/74). True only
// when the tenant exists, is not deleted and lists exactly this origin. Throws what libpqxx
// throws; the caller fails closed.
bool origin_allowed(ConnectionPool& pool, const std::string& tenant_ref, const std::string& origin);

}  // namespace tenantd::db
