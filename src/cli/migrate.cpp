#include <iostream>
#include <pqxx/pqxx>

#include "cli/commands.hpp"
#include "db/migrator.hpp"
#include "db/operator_calls.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

namespace {
db::MigrateOptions options(const Args& args) {
  db::MigrateOptions o;
  o.url = flag_value(args, "--database-url");
  if (o.url.empty()) o.url = util::load_config().migrate_database_url;
  const std::string dir = flag_value(args, "--dir");
  if (!dir.empty()) o.root = dir;
  o.reapply = has_flag(args, "--reapply");
  return o;
}
}  // namespace

int cmd_migrate(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  try {
    auto o = options(args);
    if (sub == "up") {
      int n = db::migrate_up(o, std::cout);
      std::cout << "migrate up: " << n << " migration(s) applied\n";
      return 0;
    }
    if (sub == "status") return db::migrate_status(o, std::cout) > 0 ? 1 : 0;
    if (sub == "verify") {
      db::migrate_verify(o, std::cout);
      return 0;
    }
    std::cerr << "usage: tenantd migrate up|status|verify [--dir DIR] [--database-url URL]\n";
    return 2;
  } catch (const db::MigrationError& e) {
    std::cerr << "migrate: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "migrate: " << e.what() << "\n";
    return 1;
  }
}

int cmd_policies(const Args& args) {
  if (args.empty() || args[0] != "audit") {
    std::cerr << "usage: tenantd policies audit [--database-url URL]\n";
    return 2;
  }
  try {
    pqxx::connection c(operator_database_url(args));
    const auto r = db::operator_calls::rls_audit(c);
    for (const auto& row : r)
      std::cout << row.cells[0] << "\t" << row.cells[1] << "\t" << row.cells[2] << "\n";
    std::cout << "rls_audit: " << r.size() << " problem(s)\n";
    return r.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "policies audit: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tenantd::cli
