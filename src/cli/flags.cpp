#include "cli/commands.hpp"
#include "util/config.hpp"

namespace tenantd::cli {

std::string flag_value(const Args& args, const std::string& name) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(name + "=", 0) == 0) return args[i].substr(name.size() + 1);
  }
  return "";
}

bool has_flag(const Args& args, const std::string& name) {
  for (const auto& a : args) {
    if (a == name) return true;
  }
  return false;
}

}  // namespace tenantd::cli

namespace tenantd::cli {

std::string operator_database_url(const Args& args) {
  std::string url = flag_value(args, "--database-url");
  return url.empty() ? util::load_config().migrate_database_url : url;
}

}  // namespace tenantd::cli
