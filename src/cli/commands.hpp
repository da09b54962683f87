#pragma once
#include <string>
#include <vector>

namespace tenantd::util {
struct Config;
}

namespace tenantd::cli {

using Args = std::vector<std::string>;

int cmd_serve(const Args& args);
int cmd_migrate(const Args& args);
int cmd_policies(const Args& args);
int cmd_token(const Args& args);
int cmd_worker(const Args& args);
int cmd_jobs(const Args& args);
int cmd_admins(const Args& args);
int cmd_keys(const Args& args);
// JSON-lines logging on stdout (spdlog) at `level`.
void setup_logging(const std::string& level);
// Reads the configuration and sets up logging; prints the problem and returns false when a
// variable is malformed (the command then exits with 2).
bool load_config_and_logging(util::Config& cfg);
void print_help();

// "--name value" or "--name=value"; empty when absent.
std::string flag_value(const Args& args, const std::string& name);
bool has_flag(const Args& args, const std::string& name);
// The operator commands' connection (admins, jobs, policies): --database-url, else
// MIGRATE_DATABASE_URL (an owner member), else the embedded cluster's migrator.
std::string operator_database_url(const Args& args);

}  // namespace tenantd::cli
