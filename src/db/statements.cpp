#include "db/statements.hpp"

#include <atomic>
#include <map>
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
// name -> SQL for the unnamed path; map nodes never move, so references stay valid.
std::map<std::string, std::string>& by_name() {
  static std::map<std::string, std::string> m;
  return m;
}
std::atomic<bool>& prepared_flag() {
  static std::atomic<bool> on{true};
  return on;
}
}  // namespace

void set_prepared_statements(bool enabled) {
  prepared_flag().store(enabled);
}
bool prepared_statements() {
  return prepared_flag().load();
}

const std::string& statement_sql(const std::string& name) {
  std::lock_guard<std::mutex> lk(registry_mutex());
  auto it = by_name().find(name);
  if (it == by_name().end()) throw std::logic_error("no statement registered as " + name);
  return it->second;
}

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
    by_name().emplace(s.name, s.sql);
  next:;
  }
}

void prepare_statements(pqxx::connection& conn) {
  if (!prepared_statements()) return;
  std::lock_guard<std::mutex> lk(registry_mutex());
  for (const auto& s : registry()) conn.prepare(s.name, s.sql);
}

std::string ts(const std::string& column) {
  return "to_char(" + column + " at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

}  // namespace tenantd::db
