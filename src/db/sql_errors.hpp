#pragma once
#include <string>

namespace tenantd::db {

struct SqlErrorMapping {
  int status;
  const char* code;
  const char* detail;  // client-safe default; procedures' own TD* messages are passed through
  bool pass_message;   // true for our own TDxxx codes, whose messages are written for clients
};

// The one table that decides HTTP statuses for database errors (by SQLSTATE).
SqlErrorMapping map_sqlstate(const std::string& sqlstate);

}  // namespace tenantd::db
