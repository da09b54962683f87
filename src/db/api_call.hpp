#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/pool.hpp"

namespace tenantd::db {

// One bound parameter of an api.* call: text, or SQL NULL. PostgreSQL types it from the
// function's signature (every api.* name has one signature), so callers pass text only.
using Arg = std::optional<std::string>;

// What an endpoint function returns (tenantd.reply, migrations/0042_reply_type.sql).
struct Reply {
  int status = 200;
  std::string body;                                          // JSON text; empty when NULL
  std::vector<std::pair<std::string, std::string>> headers;  // from the headers JSON object
};

// The whole database side of one request: one statement,
//   select status, body, headers from api.<function>($1 = context JSON, $2…)
// sent on a pooled connection outside any explicit transaction, so it is one round trip and
// one (implicit) transaction. The function enters the context (tenantd.enter), does the work
// and answers; a raise aborts everything it did. With DB_PREPARED_STATEMENTS (the default) the
// statement is prepared once per connection under the function's name; without, it goes as an
// unnamed statement every time (what a transaction pooler needs).
// `function` must be an api.* name from the route table: it is the only text spliced into SQL.
// Errors surface as pqxx exceptions (sql_error with the SQLSTATE; broken_connection), which the
// dispatcher maps through the one problem table. A connection lost while idle in the pool is
// replaced and a read is sent again; a write is not (it may have committed). A statement the
// database rolled back for a deadlock or a serialization failure did nothing and is sent again,
// up to three runs (db/retry_rolled_back.hpp).
// With `rate_limit` non-null, the statement also answers tenantd.current_rate_limit() (the JSON
// of the tenant's rate-limit policy, read after the call entered the context; empty when the
// context has no tenant) into it: a second statement's answer in the same round trip.
Reply call_api(ConnectionPool& pool, const std::string& function, const std::string& context_json,
               const std::vector<Arg>& args, bool retry_on_lost_connection,
               std::string* rate_limit = nullptr);

// True when `name` is "api." followed by a lower-case SQL identifier.
bool is_api_function_name(const std::string& name);

}  // namespace tenantd::db
