#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tenantd {

// The one table that decides HTTP answers (src/http/problem_table.cpp): every problem code the
// service can answer with, its status, and which SQLSTATE becomes which problem code. Nothing
// else chooses a status: ApiError takes a code, SQL raises a SQLSTATE (the TDxxx codes of
// sql/), and both are looked up here.

// HTTP status of a problem code; 500 for a code the table does not know (a bug, caught by
// tests/unit/problem_table_test.cpp, which checks every code in src/ and sql/ is here).
int problem_status(std::string_view code);
bool is_known_problem(std::string_view code);
// Every problem code of the table, once each, in table order (the OpenAPI document's enum).
std::vector<std::string_view> problem_codes();

struct SqlProblem {
  int status;
  const char* code;
  // Client-safe detail. nullptr: the error's own message is the detail (our TDxxx raises,
  // whose messages are written for clients); otherwise a fixed text, so that what PostgreSQL
  // said about a constraint or a value never reaches a response body.
  const char* fixed_detail;
};

// The problem for a SQLSTATE: an exact row, else its class's row (two characters), else
// internal_error.
SqlProblem problem_for_sqlstate(const std::string& sqlstate);

}  // namespace tenantd
