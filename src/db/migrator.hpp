#pragma once
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace tenantd::db {

struct MigrationFile {
  int version = 0;
  std::string name;
  std::filesystem::path path;
  std::string checksum;  // sha256 hex of the file's bytes
  bool no_transaction = false;
};

// A refusal the operator must act on (changed or missing applied file, bad file name...).
struct MigrationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Lists migrations/NNNN_name.sql in order; any other *.sql file, a duplicate number or a
// number with the wrong width is a MigrationError naming the file.
std::vector<MigrationFile> scan_migrations(const std::filesystem::path& dir);

// Splits a script into statements at top-level semicolons, respecting quotes, dollar quotes
// and comments (comments are dropped). Used for migrations that run outside a transaction.
std::vector<std::string> split_sql_statements(const std::string& sql);

struct MigrateOptions {
  std::string url;
  std::filesystem::path root = ".";  // holds migrations/, sql/, policies/
  bool reapply = false;              // re-apply sql/ and policies/ even when unchanged
};

// `migrate up`: returns the number of versioned migrations applied.
int migrate_up(const MigrateOptions& opt, std::ostream& out);
// `migrate status`: prints applied and pending; returns the number pending (or throws).
int migrate_status(const MigrateOptions& opt, std::ostream& out);
// `migrate verify`: checksums of applied migrations only; throws MigrationError on mismatch.
void migrate_verify(const MigrateOptions& opt, std::ostream& out);

}  // namespace tenantd::db
