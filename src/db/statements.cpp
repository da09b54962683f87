#include "db/statements.hpp"

#include <mutex>
#include <stdexcept>

namespace tenantd::db {

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::vector<Statement>& registry() {
  static std::vector<Statement> r;
  return r;
}
}  // namespace

void add_statements(const std::vector<Statement>& statements) {
  std::lock_guard<std::mutex> lk(registry_mutex());
  for (const auto& s : statements) {
    for (const auto& existing : registry()) {
      if (existing.name == s.name) {
        if (existing.sql == s.sql) goto next;  // registered twice by the same code: harmless
        throw std::logic_error("statement " + s.name + " registered twice with different SQL");
      }
    }
    registry().push_back(s);
  next:;
  }
}

void prepare_statements(pqxx::connection& conn) {
  std::lock_guard<std::mutex> lk(registry_mutex());
  for (const auto& s : registry()) conn.prepare(s.name, s.sql);
}

std::string ts(const std::string& column) {
  return "to_char(" + column + " at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

}  // namespace tenantd::db
