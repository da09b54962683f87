// tenantd: one binary, several subcommands. main only dispatches.
#include <iostream>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  using namespace tenantd::cli;
  Args args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  const std::string cmd = args[0];
  Args rest(args.begin() + 1, args.end());
  if (cmd == "serve") return cmd_serve(rest);
  if (cmd == "migrate") return cmd_migrate(rest);
  if (cmd == "policies") return cmd_policies(rest);
  if (cmd == "token") return cmd_token(rest);
  if (cmd == "worker") return cmd_worker(rest);
  if (cmd == "jobs") return cmd_jobs(rest);
  if (cmd == "admins") return cmd_admins(rest);
  if (cmd == "keys") return cmd_keys(rest);
  std::cerr << "tenantd: unknown command '" << cmd << "' (see tenantd --help)\n";
  return 2;
}
