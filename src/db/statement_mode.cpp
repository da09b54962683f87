#include "db/statement_mode.hpp"

#include <atomic>

namespace tenantd::db {

namespace {
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

}  // namespace tenantd::db
