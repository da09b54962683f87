#pragma once
#include <string>
#include <vector>

namespace tenantd::cli {

using Args = std::vector<std::string>;

int cmd_serve(const Args& args);
int cmd_migrate(const Args& args);
int cmd_policies(const Args& args);
int cmd_token(const Args& args);
int cmd_worker(const Args& args);
int cmd_jobs(const Args& args);
// JSON-lines logging on stdout (spdlog) at `level`.
void setup_logging(const std::string& level);
void print_help();

// "--name value" or "--name=value"; empty when absent.
std::string flag_value(const Args& args, const std::string& name);
bool has_flag(const Args& args, const std::string& name);

}  // namespace tenantd::cli
