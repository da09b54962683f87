#include "db/sql_errors.hpp"

#include <cstring>

namespace tenantd::db {
namespace {

struct Row {
  const char* sqlstate;  // exact code, or a two-character class prefix
  SqlErrorMapping mapping;
};

// Our procedures raise TDnnn with messages meant for clients; everything else gets a fixed
// detail so that SQL text never reaches a response body.
const Row kTable[] = {
    {"TD400", {400, "bad_request", "bad request", true}},
    {"TD401", {401, "unauthorized", "unauthorized", true}},
    {"TD403", {403, "forbidden", "forbidden", true}},
    {"TD404", {404, "not_found", "not found", true}},
    {"TD409", {409, "conflict", "conflict", true}},
    {"TD410", {410, "gone", "gone", true}},
    {"TD422", {422, "validation_failed", "validation failed", true}},
    {"TD429", {429, "quota_exceeded", "quota exceeded", true}},
    {"23505", {409, "conflict", "a resource with these unique values already exists", false}},
    {"23503", {409, "conflict", "a referenced resource does not exist", false}},
    {"23514", {422, "validation_failed", "a value violates a constraint", false}},
    {"23502", {422, "validation_failed", "a required value is missing", false}},
    {"22P02", {400, "bad_request", "a value has an invalid format", false}},
    {"22001", {422, "validation_failed", "a value is too long", false}},
    {"42501", {403, "forbidden", "not permitted", false}},
    {"40001", {503, "retry", "concurrent update, retry the request", false}},
    {"40P01", {503, "retry", "concurrent update, retry the request", false}},
    {"55P03", {503, "retry", "resource busy, retry the request", false}},
    {"57014", {503, "timeout", "the database took too long", false}},
    {"08", {503, "database_unavailable", "database unavailable", false}},
    {"57", {503, "database_unavailable", "database unavailable", false}},
    {"53", {503, "database_unavailable", "database out of resources", false}},
};

}  // namespace

SqlErrorMapping map_sqlstate(const std::string& sqlstate) {
  for (const auto& row : kTable) {
    size_t n = std::strlen(row.sqlstate);
    if (sqlstate.compare(0, n, row.sqlstate) == 0 && (n == 5 ? sqlstate.size() == 5 : true)) {
      return row.mapping;
    }
  }
  return {500, "internal_error", "internal error", false};
}

}  // namespace tenantd::db
