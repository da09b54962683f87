#include "db/sql_errors.hpp"

#include <cstring>

namespace tenantd::db {
namespace {

struct Row {
  const char* sqlstate;  // exact code, or a two-character class prefix
  SqlErrorMapping mapping;
};

// Our procedures raise TDnnn with messages meant for clients; everything else gets a fixed
// detail so that SQL text never reaches a response body. The first matching row wins: exact
// codes come before the class rows (two characters) they refine.
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
    {"23P01", {409, "conflict", "the change conflicts with an existing resource", false}},
    {"23", {409, "conflict", "the change conflicts with existing data", false}},

    // Class 22, data exceptions: a value the client sent that the database cannot take. Every
    // code of the class is the client's input by construction (the service's own values are
    // canonical), so the class row maps all of them to 400; the rows before it only give the
    // common ones a more specific answer. The one exception: 2200H (a sequence ran out) is the
    // service's problem, not the client's.
    {"2200H", {500, "internal_error", "internal error", false}},
    {"22021", {400, "invalid_text", "a text value is not valid UTF-8", false}},
    {"22P05", {400, "invalid_text", "a text value has a character the database cannot store", false}},
    {"22P02", {400, "bad_request", "a value has an invalid format", false}},
    {"22018", {400, "bad_request", "a value has an invalid format", false}},
    {"22P03", {400, "bad_request", "a value has an invalid format", false}},
    {"22007", {400, "invalid_datetime", "a date or time value has an invalid format", false}},
    {"22008", {400, "invalid_datetime", "a date or time value is out of range", false}},
    {"22009", {400, "invalid_datetime", "a time zone offset is out of range", false}},
    {"22015", {400, "invalid_datetime", "an interval value is out of range", false}},
    {"22001", {422, "validation_failed", "a value is too long", false}},
    {"22003", {422, "validation_failed", "a number is out of range", false}},
    {"22004", {422, "validation_failed", "a required value is missing", false}},
    {"22012", {400, "bad_request", "a value leads to a division by zero", false}},
    {"22023", {400, "bad_request", "a parameter value is invalid", false}},
    {"2201B", {400, "bad_request", "a pattern is not a valid regular expression", false}},
    {"2201W", {400, "bad_request", "a limit is out of range", false}},
    {"2201X", {400, "bad_request", "an offset is out of range", false}},
    // LIKE/escape-string errors (22019 invalid_escape_character, 22025 invalid_escape_sequence,
    // 2200D invalid_escape_octet, 2200C/22P06) and JSON value errors (2203x, 22030-22039).
    {"22025", {400, "bad_request", "a value has an invalid escape sequence", false}},
    {"22019", {400, "bad_request", "a value has an invalid escape character", false}},
    {"2200D", {400, "bad_request", "a value has an invalid escape octet", false}},
    {"22032", {400, "bad_request", "a value is not valid JSON", false}},
    {"2202E", {400, "bad_request", "an array index is out of range", false}},
    {"22", {400, "bad_request", "a value is invalid", false}},

    // Class 54, program limits (54000 e.g. a value too large for an index row, 54001 a nesting
    // the server's stack refuses, 54011/54023 too many columns or arguments): only oversized
    // or deeply built input gets there, so the client hears it as 422.
    {"54", {422, "value_too_large", "a value exceeds a limit of the database", false}},

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
