// tenantd admins add|remove|list [SUBJECT]: the registry of platform operators. A token with
// role super_admin is honoured only for a subject registered here (tenantd.enter_context).
// Runs with MIGRATE_DATABASE_URL (or --database-url): only the owner's members may change it.
#include <iostream>
#include <pqxx/pqxx>

#include "cli/commands.hpp"
#include "db/operator_calls.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

int cmd_admins(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const bool needs_subject = sub == "add" || sub == "remove";
  if ((!needs_subject && sub != "list") ||
      (needs_subject && (args.size() < 2 || args[1].rfind("--", 0) == 0))) {
    std::cerr << "usage: tenantd admins add SUBJECT | remove SUBJECT | list [--database-url URL]\n";
    return 2;
  }
  try {
    pqxx::connection c(operator_database_url(args));
    if (sub == "list") {
      const auto r = db::operator_calls::list_platform_admins(c);
      for (const auto& row : r) {
        std::cout << row.cells[0] << "\t" << row.cells[1] << "\t" << row.cells[2] << "\n";
      }
      std::cout << r.size() << " operator(s)\n";
      return 0;
    }
    const std::string& subject = args[1];
    if (sub == "add") {
      const bool added = db::operator_calls::add_platform_admin(c, subject);
      std::cout << (added ? "registered operator " : "already registered: ") << subject << "\n";
      return 0;
    }
    const bool removed = db::operator_calls::remove_platform_admin(c, subject);
    std::cout << (removed ? "removed operator " : "not registered: ") << subject << "\n";
    return removed ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "admins: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tenantd::cli
