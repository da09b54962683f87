// Migration file handling that needs no database: statement splitting and file scanning.
#include "db/migrator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "util/uuid.hpp"

namespace tenantd::db {
namespace {

TEST(SplitSql, TopLevelSemicolonsOnly) {
  struct Case {
    std::string sql;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"select 1; select 2;", {"select 1", "select 2"}},
      {"select ';'; select 2", {"select ';'", "select 2"}},
      {"select 'it''s; fine';", {"select 'it''s; fine'"}},
      {"create table \"a;b\" (x int);", {"create table \"a;b\" (x int)"}},
      {"-- comment; here\nselect 1;", {"select 1"}},
      {"/* a; b */ select 1;", {"select 1"}},
      {"do $$ begin perform 1; end $$; select 2;", {"do $$ begin perform 1; end $$", "select 2"}},
      {"do $body$ begin perform '$$;'; end $body$;", {"do $body$ begin perform '$$;'; end $body$"}},
      {"select $1;", {"select $1"}},
      {"select E'it\\'s; fine'; select 2;", {"select E'it\\'s; fine'", "select 2"}},
      {"select e'\\\\'; select 2;", {"select e'\\\\'", "select 2"}},
      {"select type'x;y';", {"select type'x;y'"}},
      {"  ;  ; ", {}},
      {"create index concurrently if not exists i on t (a)",
       {"create index concurrently if not exists i on t (a)"}},
  };
  for (const auto& c : cases) EXPECT_EQ(split_sql_statements(c.sql), c.expected) << c.sql;
}

TEST(ScanMigrations, OrdersFilesAndReadsTheNoTransactionMarker) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tenantd-scan-" + util::new_uuid().substr(0, 8));
  fs::create_directories(dir);
  std::ofstream(dir / "0002_b.sql") << "-- tenantd:no-transaction\ncreate index concurrently i on t (a);\n";
  std::ofstream(dir / "0001_a.sql") << "create table t (a int);\n";
  std::ofstream(dir / "README.md") << "not a migration\n";
  auto files = scan_migrations(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].version, 1);
  EXPECT_EQ(files[0].name, "a");
  EXPECT_FALSE(files[0].no_transaction);
  EXPECT_TRUE(files[1].no_transaction);
  EXPECT_EQ(files[0].checksum.size(), 64u);
  std::ofstream(dir / "3_c.sql") << "select 1;\n";
  try {
    scan_migrations(dir);
    ADD_FAILURE() << "3_c.sql accepted";
  } catch (const MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("3_c.sql"), std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tenantd::db
