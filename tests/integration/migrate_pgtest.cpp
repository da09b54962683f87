// The migration runner (`tenantd migrate up|status|verify`) against real PostgreSQL, run as a
// real process. Every test gets its own database (owned by tenantd_migrator, dropped afterwards)
// and, for synthetic migrations, its own directory tree with migrations/, sql/ and policies/.
//
// Synthetic migrations keep 0001 to `create schema s1 authorization tenantd_owner` and put every
// other object in s1 from 0002 on, so they work whichever role a migration runs as (the runner
// switches to tenantd_owner when that role exists and the migrator is a member of it).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "support.hpp"

namespace tenantd::test {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

std::string random_suffix() {
  static std::mt19937_64 rng(
      std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 32) ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// sha256 of a file's bytes, computed independently of the runner (OpenSSL directly).
std::string sha256_of_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  char b[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Lines of `migrate up` output reporting one applied versioned migration ("applied NNNN_x.sql (N ms)").
std::vector<std::string> applied_lines(const std::string& out) {
  std::vector<std::string> r;
  for (const auto& l : lines_of(out)) {
    if (l.rfind("applied ", 0) == 0) r.push_back(l);
  }
  return r;
}

// A `migrate status` line: starts with `word` and names `file`.
bool has_status_line(const std::string& out, const std::string& word, const std::string& file) {
  for (const auto& l : lines_of(out)) {
    if (l.rfind(word, 0) == 0 && l.find(file) != std::string::npos) return true;
  }
  return false;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

const char* kSchema = "create schema s1 authorization tenantd_owner;\n";

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string suffix = random_suffix();
    db_ = "mig_" + suffix;
    admin_exec("create database " + db_ + " owner tenantd_migrator");
    created_ = true;
    // Migrations after 0001 run as tenantd_owner (which exists in this cluster): it creates schemas.
    admin_exec("grant create on database " + db_ + " to tenantd_owner");
    url_ = url_for(db_, "tenantd_migrator");
    root_ = fs::temp_directory_path() / ("tenantd-migtest-" + suffix);
    for (const char* d : {"migrations", "sql", "policies"}) fs::create_directories(root_ / d);
  }

  void TearDown() override {
    if (created_) {
      try {
        admin_exec("drop database if exists " + db_ + " with (force)");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop " << db_ << ": " << e.what();
      }
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string admin_db_url() const { return url_for(db_, "postgres"); }

  // Superuser query in this test's database.
  Rows q(const std::string& sql) const { return admin_query(sql, admin_db_url()); }
  std::string q1(const std::string& sql) const {
    auto r = q(sql);
    if (r.empty() || r[0].empty()) return "<no rows>";
    return r[0][0];
  }

  void write(const std::string& rel, const std::string& text) const {
    std::ofstream out(root_ / rel, std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << "cannot write " << (root_ / rel);
  }

  CommandResult migrate(const std::string& sub, const std::vector<std::string>& extra = {}) const {
    return migrate_in(root_, sub, extra);
  }
  CommandResult migrate_in(const fs::path& root, const std::string& sub,
                           const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv{tenantd_binary(), "migrate",        sub, "--dir",
                                  root.string(),    "--database-url", url_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  }

  bool history_exists() const {
    return q1("select to_regclass('tenantd_migrations.history') is not null") == "t";
  }

  // Every column of the history, in version order.
  Rows history() const {
    if (!history_exists()) return {};
    return q(
        "select version::text, name, checksum, applied_at::text, duration_ms::text, no_transaction::text "
        "from tenantd_migrations.history h order by h.version");
  }
  std::string versions() const {
    if (!history_exists()) return "";
    return q1(
        "select coalesce(string_agg(version::text, ',' order by version), '') from "
        "tenantd_migrations.history");
  }
  Rows repeatable() const {
    if (q1("select to_regclass('tenantd_migrations.repeatable') is not null") != "t") return {};
    return q("select id::text, checksum, applied_at::text from tenantd_migrations.repeatable");
  }

  // Policies and function definitions, including the oid and xmin of their catalog rows: a
  // policy dropped and re-created gets a new oid, a function re-created (CREATE OR REPLACE, even
  // with the same text) gets a new xmin, so any re-application shows up here.
  std::string fingerprint() const {
    return q1(
        "select coalesce(string_agg(x, E'\\n' order by x), '') from ("
        " select 'policy ' || c.relnamespace::regnamespace::text || '.' || c.relname || '.' || p.polname"
        "   || ' oid=' || p.oid::text || ' xmin=' || p.xmin::text || ' cmd=' || p.polcmd::text"
        "   || ' permissive=' || p.polpermissive::text || ' roles=' || p.polroles::text"
        "   || ' using=' || coalesce(pg_get_expr(p.polqual, p.polrelid), '-')"
        "   || ' check=' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-') as x"
        " from pg_policy p join pg_class c on c.oid = p.polrelid"
        " union all"
        " select 'function ' || f.oid::text || ' xmin=' || f.xmin::text || ' acl=' || "
        "coalesce(f.proacl::text, '-')"
        "   || E'\\n' || pg_get_functiondef(f.oid)"
        " from pg_proc f join pg_namespace n on n.oid = f.pronamespace"
        " where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'"
        "   and f.prokind in ('f', 'p')"
        ") s");
  }

  // A small, realistic tree: a table from migrations/, a function over it in sql/, a policy that
  // uses the function in policies/. The policy file sorts before the sql/ file by name, so a runner
  // that mixed the two directories (or put policies first) fails; the function body reads the
  // table, so a runner that ran sql/ before the migrations fails (check_function_bodies).
  void write_items_tree() const {
    write("migrations/0001_schema.sql", kSchema);
    write("migrations/0002_items.sql",
          "create table s1.items (id int primary key, owner text not null);\n"
          "insert into s1.items values (1, 'alice'), (2, 'bob');\n");
    write("sql/10_s1.is_mine.sql",
          "create or replace function s1.is_mine(p_owner text) returns boolean\n"
          "language sql stable as $$ select p_owner = current_user $$;\n");
    write("sql/20_s1.item_count.sql",
          "create or replace function s1.item_count() returns bigint\n"
          "language sql stable as $$ select count(*) from s1.items $$;\n");
    write("policies/00_items.sql",
          "alter table s1.items enable row level security;\n"
          "drop policy if exists items_mine on s1.items;\n"
          "create policy items_mine on s1.items using (s1.is_mine(owner));\n");
  }

  std::string db_;
  std::string url_;
  fs::path root_;
  bool created_ = false;
};

TEST_F(MigrateTest, AppliesMigrationsInOrderAndRecordsHistory) {
  // Written highest first: the order must come from the numbers, not from the directory.
  write("migrations/0010_ten.sql", "insert into s1.steps (n) values (10);\n");
  write("migrations/0003_three.sql", "select pg_sleep(0.3);\ninsert into s1.steps (n) values (3);\n");
  write("migrations/0002_steps.sql",
        "create table s1.steps (id bigserial primary key, n int not null);\n"
        "insert into s1.steps (n) values (2);\n");
  write("migrations/0001_schema.sql", kSchema);

  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto lines = applied_lines(r.output);
  ASSERT_EQ(lines.size(), 4u) << r.output;
  EXPECT_TRUE(contains(lines[0], "0001_schema.sql")) << r.output;
  EXPECT_TRUE(contains(lines[1], "0002_steps.sql")) << r.output;
  EXPECT_TRUE(contains(lines[2], "0003_three.sql")) << r.output;
  EXPECT_TRUE(contains(lines[3], "0010_ten.sql")) << r.output;

  // Applied in numeric order (the serial id records the order of the inserts).
  EXPECT_EQ(q1("select string_agg(n::text, ',' order by id) from s1.steps"), "2,3,10");

  const auto h = history();
  ASSERT_EQ(h.size(), 4u) << r.output;
  const std::vector<std::pair<std::string, std::string>> expected{
      {"1", "schema"}, {"2", "steps"}, {"3", "three"}, {"10", "ten"}};
  const std::vector<std::string> files{"0001_schema.sql", "0002_steps.sql", "0003_three.sql", "0010_ten.sql"};
  for (size_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(h[i][0], expected[i].first);
    EXPECT_EQ(h[i][1], expected[i].second);
    EXPECT_EQ(h[i][2], sha256_of_file(root_ / "migrations" / files[i])) << files[i];
    EXPECT_NE(h[i][3], "<null>");
    EXPECT_GE(std::stoi(h[i][4]), 0);
    EXPECT_EQ(h[i][5], "false");
  }
  // The duration is measured, not invented: 0003 sleeps 300 ms.
  EXPECT_GE(std::stoi(h[2][4]), 300) << "duration_ms of 0003_three.sql";
  // applied_at is recent and follows the order of application.
  EXPECT_EQ(q1("select count(*) from tenantd_migrations.history "
               "where applied_at > now() - interval '10 minutes' and applied_at <= now()"),
            "4");
  EXPECT_EQ(q1("select bool_and(ok)::text from (select applied_at >= lag(applied_at, 1, '-infinity') "
               "over (order by version) as ok from tenantd_migrations.history) s"),
            "true");
  // Migrations after the first run as tenantd_owner, which therefore owns what they create.
  EXPECT_EQ(q1("select relowner::regrole::text from pg_class where oid = 's1.steps'::regclass"),
            "tenantd_owner");
}

TEST_F(MigrateTest, FailedMigrationRollsBackOnlyItselfAndStopsTheRun) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_steps.sql",
        "create table s1.steps (n int not null);\ninsert into s1.steps values (2);\n");
  write("migrations/0003_broken.sql",
        "create table s1.partial (id int);\ninsert into s1.steps values (3);\nselect 1 / 0;\n");
  write("migrations/0004_after.sql", "insert into s1.steps values (4);\n");

  auto r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0003_broken.sql")) << r.output;
  EXPECT_TRUE(contains(r.output, "division by zero")) << r.output;
  // 0001 and 0002 committed in their own transactions; 0003 left nothing behind; 0004 never ran.
  EXPECT_EQ(versions(), "1,2");
  EXPECT_EQ(q1("select string_agg(n::text, ',' order by n) from s1.steps"), "2");
  EXPECT_EQ(q1("select to_regclass('s1.partial') is null"), "t");

  // The unapplied file may be fixed; the next run picks up where the last one stopped.
  write("migrations/0003_broken.sql",
        "create table s1.partial (id int);\ninsert into s1.steps values (3);\n");
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(applied_lines(r.output).size(), 2u) << r.output;
  EXPECT_EQ(versions(), "1,2,3,4");
  EXPECT_EQ(q1("select string_agg(n::text, ',' order by n) from s1.steps"), "2,3,4");
}

TEST_F(MigrateTest, ConcurrentRunnersApplyEachMigrationOnce) {
  // 0001 waits for an advisory lock the test holds, so the first runner is stuck inside it while
  // the second starts; neither migration is idempotent (create schema / create table), so
  // applying one twice would fail.
  write("migrations/0001_schema.sql", std::string("select pg_advisory_xact_lock(4242);\n") + kSchema);
  write("migrations/0002_t1.sql", "select pg_sleep(0.3);\ncreate table s1.t1 (id int primary key);\n");
  write("migrations/0003_t2.sql", "create table s1.t2 (id int primary key);\n");
  write("sql/10_s1.t1_count.sql",
        "create or replace function s1.t1_count() returns bigint language sql stable\n"
        "as $$ select count(*) from s1.t1 $$;\n");

  pqxx::connection holder(admin_db_url());
  {
    pqxx::nontransaction tx(holder);
    tx.exec("select pg_advisory_lock(4242)");
  }
  auto fa = std::async(std::launch::async, [this] { return migrate("up"); });
  auto fb = std::async(std::launch::async, [this] { return migrate("up"); });

  // Both runners are in the database at once: one waits for 4242 inside 0001, the other waits
  // (with a correct runner) for the runner's lock, or (without one) for 4242 too.
  bool overlapped = false;
  std::string poll_error;
  try {
    // A broken runner can make this loop run to the deadline: run_command's pipes are inherited
    // across the two concurrent forks, so a runner that failed early only reports once the other
    // (blocked on 4242) has exited.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      pqxx::nontransaction tx(holder);
      const auto n =
          tx.exec(
                "select count(*) from pg_locks where locktype = 'advisory' and not granted "
                "and database = (select oid from pg_database where datname = current_database())")[0][0]
              .as<int>();
      if (n >= 2) {
        overlapped = true;
        break;
      }
      if (fa.wait_for(std::chrono::seconds(0)) == std::future_status::ready ||
          fb.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        break;  // a runner gave up early; its output says why
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::exception& e) {
    poll_error = e.what();
  }
  try {
    pqxx::nontransaction tx(holder);
    tx.exec("select pg_advisory_unlock(4242)");
  } catch (const std::exception&) {
  }
  holder.disconnect();  // releases 4242 in any case
  const CommandResult a = fa.get();
  const CommandResult b = fb.get();

  ASSERT_TRUE(overlapped) << "the two runners were never both waiting in the database " << poll_error
                          << "\n--- runner A:\n"
                          << a.output << "\n--- runner B:\n"
                          << b.output;
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(applied_lines(a.output).size() + applied_lines(b.output).size(), 3u)
      << "--- runner A:\n"
      << a.output << "\n--- runner B:\n"
      << b.output;
  EXPECT_EQ(versions(), "1,2,3");
  EXPECT_EQ(q1("select count(*) from tenantd_migrations.history"), "3");
  EXPECT_EQ(q1("select to_regclass('s1.t1') is not null and to_regclass('s1.t2') is not null"), "t");
  EXPECT_EQ(q1("select to_regproc('s1.t1_count') is not null"), "t");
}

TEST_F(MigrateTest, RunInterruptedBeforeRecordingLeavesNoUnrecordedMigration) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_t2.sql", "create table s1.t2 (id int primary key);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;

  // The next runner applies 0003 and must record it; the test blocks writes to the history and
  // kills the runner's session while it waits there (a crash, a lost connection, a deploy
  // timeout). Reads of the history are not blocked (EXCLUSIVE allows ACCESS SHARE).
  write("migrations/0003_t3.sql", "create table s1.t3 (id int primary key);\n");
  pqxx::connection locker(admin_db_url());
  auto lock_tx = std::make_unique<pqxx::work>(locker);
  lock_tx->exec("lock table tenantd_migrations.history in exclusive mode");
  auto fut = std::async(std::launch::async, [this] { return migrate("up"); });

  std::string killed;
  std::string poll_error;
  try {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline && killed.empty()) {
      auto rows =
          q("select l.pid::text from pg_locks l where l.locktype = 'relation' and not l.granted "
            "and l.relation = 'tenantd_migrations.history'::regclass");
      if (!rows.empty()) {
        killed = rows[0][0];
        q("select pg_terminate_backend(" + killed + ")");
        break;
      }
      if (fut.wait_for(std::chrono::milliseconds(20)) == std::future_status::ready) break;
    }
  } catch (const std::exception& e) {
    poll_error = e.what();
  }
  lock_tx->abort();
  lock_tx.reset();
  locker.disconnect();
  r = fut.get();
  ASSERT_FALSE(killed.empty()) << "the runner never waited to write the history " << poll_error << "\n"
                               << r.output;
  EXPECT_NE(r.exit_code, 0) << r.output;

  // Applied and recorded, or neither: never a migration in effect that the history lacks.
  EXPECT_EQ(q1("select (to_regclass('s1.t3') is not null) = "
               "exists (select 1 from tenantd_migrations.history where version = 3)"),
            "t")
      << "0003 is in effect but not recorded (or recorded but not in effect)\n"
      << r.output;
  // ...so the next run simply completes the job.
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(versions(), "1,2,3") << r.output;
  EXPECT_EQ(q1("select to_regclass('s1.t3') is not null"), "t");
}

TEST_F(MigrateTest, RefusesToRunWhenAnAppliedMigrationChanged) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  const auto before = history();

  // An edit that changes nothing but a comment still changes the file.
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n-- tweaked\n");
  write("migrations/0003_more.sql", "create table s1.more (id int primary key);\n");
  r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0002_items.sql")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  // Nothing ran: the pending 0003 was not applied and the history is untouched.
  EXPECT_EQ(history(), before);
  EXPECT_EQ(q1("select to_regclass('s1.more') is null"), "t");
}

TEST_F(MigrateTest, RefusesToRunWhenAnAppliedMigrationDisappeared) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  const auto before = history();

  fs::remove(root_ / "migrations" / "0002_items.sql");
  write("migrations/0003_more.sql", "create table s1.more (id int primary key);\n");
  r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0002_items.sql")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_EQ(history(), before);
  EXPECT_EQ(q1("select to_regclass('s1.more') is null"), "t");
}

TEST_F(MigrateTest, SecondRunChangesNothing) {
  write_items_tree();
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  // Repeatables ran after the migrations, sql/ before policies/.
  ASSERT_EQ(q1("select count(*) from pg_policies where schemaname = 's1' and tablename = 'items' "
               "and policyname = 'items_mine'"),
            "1")
      << r.output;
  EXPECT_EQ(q1("select to_regproc('s1.item_count') is not null"), "t");

  const auto h1 = history();
  const auto rep1 = repeatable();
  const auto fp1 = fingerprint();
  ASSERT_EQ(rep1.size(), 1u) << "tenantd_migrations.repeatable has no row after a run";
  ASSERT_TRUE(contains(fp1, "items_mine") && contains(fp1, "s1.item_count")) << fp1;

  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "nothing to do")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_FALSE(contains(r.output, "re-applied")) << r.output;
  EXPECT_EQ(history(), h1);
  EXPECT_EQ(repeatable(), rep1);
  EXPECT_EQ(fingerprint(), fp1);
}

TEST_F(MigrateTest, EditedPolicyIsAppliedOnTheNextRun) {
  write_items_tree();
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  const auto h1 = history();
  const auto rep1 = repeatable();

  // A DBA edits the policy file (no new migration) and runs migrate up.
  write("policies/00_items.sql",
        "alter table s1.items enable row level security;\n"
        "drop policy if exists items_mine on s1.items;\n"
        "create policy items_mine on s1.items using (s1.is_mine(owner) or owner = 'shared');\n");
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "re-applied")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_TRUE(contains(
      q1("select qual from pg_policies where schemaname = 's1' and policyname = 'items_mine'"), "shared"))
      << r.output;
  EXPECT_EQ(history(), h1);
  const auto rep2 = repeatable();
  ASSERT_EQ(rep2.size(), 1u);
  ASSERT_EQ(rep1.size(), 1u);
  EXPECT_NE(rep2[0][1], rep1[0][1]) << "repeatable checksum not updated";

  // ...and the run after that is a no-op again.
  const auto fp = fingerprint();
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "nothing to do")) << r.output;
  EXPECT_EQ(fingerprint(), fp);
}

TEST_F(MigrateTest, FailingRepeatableFileIsNamedAndRolledBackWhole) {
  write_items_tree();
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  const auto fp1 = fingerprint();
  const auto rep1 = repeatable();

  // The edit replaces the policy, then fails: the replacement must not survive on its own.
  write("sql/20_s1.item_count.sql",
        "create or replace function s1.item_count() returns bigint\n"
        "language sql stable as $$ select count(*) + 0 from s1.items $$;\n");
  write("policies/00_items.sql",
        "alter table s1.items enable row level security;\n"
        "drop policy if exists items_mine on s1.items;\n"
        "create policy items_mine on s1.items using (s1.is_mine(owner) or owner = 'shared');\n"
        "create policy items_broken on s1.items using (no_such_column = 1);\n");
  r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "policies/00_items.sql")) << r.output;
  EXPECT_EQ(fingerprint(), fp1) << "part of a failed sql/ + policies/ run was kept";
  EXPECT_EQ(repeatable(), rep1);

  // Fixed, the next run applies it (the failed attempt was not recorded as done).
  write("policies/00_items.sql",
        "alter table s1.items enable row level security;\n"
        "drop policy if exists items_mine on s1.items;\n"
        "create policy items_mine on s1.items using (s1.is_mine(owner) or owner = 'shared');\n");
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(
      q1("select qual from pg_policies where schemaname = 's1' and policyname = 'items_mine'"), "shared"))
      << r.output;
  EXPECT_TRUE(contains(q1("select pg_get_functiondef('s1.item_count'::regproc)"), "+ 0")) << r.output;
}

TEST_F(MigrateTest, NewMigrationIsFollowedByRepeatables) {
  write_items_tree();
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;

  // A migration rebuilds the table, which drops its policies; sql/ and policies/ are unchanged,
  // yet they must be re-applied after it so the table is protected again.
  write("migrations/0003_rebuild_items.sql",
        "drop table s1.items cascade;\n"
        "create table s1.items (id int primary key, owner text not null, note text);\n");
  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(applied_lines(r.output).size(), 1u) << r.output;
  EXPECT_EQ(versions(), "1,2,3");
  EXPECT_EQ(q1("select count(*) from pg_policies where schemaname = 's1' and tablename = 'items' "
               "and policyname = 'items_mine'"),
            "1")
      << r.output;
  EXPECT_EQ(q1("select relrowsecurity::text from pg_class where oid = 's1.items'::regclass"), "true");
}

TEST_F(MigrateTest, ReapplyFlagReappliesUnchangedRepeatables) {
  write_items_tree();
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  const auto h1 = history();
  const auto rep1 = repeatable();
  const auto fp1 = fingerprint();
  ASSERT_EQ(rep1.size(), 1u);

  r = migrate("up", {"--reapply"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "re-applied")) << r.output;
  EXPECT_EQ(history(), h1);
  const auto rep2 = repeatable();
  ASSERT_EQ(rep2.size(), 1u);
  EXPECT_EQ(rep2[0][1], rep1[0][1]) << "same files, same checksum";
  EXPECT_NE(rep2[0][2], rep1[0][2]) << "applied_at of the repeatable run did not move";
  EXPECT_NE(fingerprint(), fp1) << "functions and policies were not re-created";
}

TEST_F(MigrateTest, StatusListsAppliedAndPendingAndFailsWhilePending) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n");

  // Fresh database: all pending, and status creates nothing.
  auto s = migrate("status");
  EXPECT_NE(s.exit_code, 0) << s.output;
  EXPECT_TRUE(has_status_line(s.output, "pending", "0001_schema.sql")) << s.output;
  EXPECT_TRUE(has_status_line(s.output, "pending", "0002_items.sql")) << s.output;
  EXPECT_EQ(q1("select to_regnamespace('tenantd_migrations') is null"), "t") << "status created the history";

  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;
  write("migrations/0003_more.sql", "create table s1.more (id int primary key);\n");

  s = migrate("status");
  EXPECT_NE(s.exit_code, 0) << s.output;
  EXPECT_TRUE(has_status_line(s.output, "applied", "0001_schema.sql")) << s.output;
  EXPECT_TRUE(has_status_line(s.output, "applied", "0002_items.sql")) << s.output;
  EXPECT_TRUE(has_status_line(s.output, "pending", "0003_more.sql")) << s.output;
  EXPECT_FALSE(has_status_line(s.output, "pending", "0001_schema.sql")) << s.output;
  EXPECT_EQ(versions(), "1,2") << "status applied something";

  r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  s = migrate("status");
  EXPECT_EQ(s.exit_code, 0) << s.output;
  for (const char* f : {"0001_schema.sql", "0002_items.sql", "0003_more.sql"}) {
    EXPECT_TRUE(has_status_line(s.output, "applied", f)) << s.output;
  }
  for (const auto& l : lines_of(s.output)) EXPECT_NE(l.rfind("pending", 0), 0u) << s.output;
}

TEST_F(MigrateTest, VerifyChecksAppliedChecksums) {
  write("migrations/0001_schema.sql", kSchema);
  const std::string items = "create table s1.items (id int primary key);\n";
  write("migrations/0002_items.sql", items);
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,2") << r.output;

  auto v = migrate("verify");
  EXPECT_EQ(v.exit_code, 0) << v.output;
  // Pending files are not verify's business.
  write("migrations/0003_more.sql", "create table s1.more (id int primary key);\n");
  v = migrate("verify");
  EXPECT_EQ(v.exit_code, 0) << v.output;

  write("migrations/0002_items.sql", "create table s1.items (id bigint primary key);\n");
  v = migrate("verify");
  EXPECT_NE(v.exit_code, 0) << v.output;
  EXPECT_TRUE(contains(v.output, "0002_items.sql")) << v.output;
  auto s = migrate("status");
  EXPECT_NE(s.exit_code, 0) << s.output;
  EXPECT_TRUE(contains(s.output, "0002_items.sql")) << s.output;

  write("migrations/0002_items.sql", items);
  v = migrate("verify");
  EXPECT_EQ(v.exit_code, 0) << v.output;

  fs::remove(root_ / "migrations" / "0002_items.sql");
  v = migrate("verify");
  EXPECT_NE(v.exit_code, 0) << v.output;
  EXPECT_TRUE(contains(v.output, "0002_items.sql")) << v.output;
}

TEST_F(MigrateTest, NoTransactionMigrationRunsOutsideATransaction) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql",
        "create table s1.items (id int primary key, name text);\n"
        "insert into s1.items select g, 'n' || g from generate_series(1, 100) g;\n");
  write("migrations/0003_items_name_idx.sql",
        "-- tenantd:no-transaction\n"
        "create index concurrently items_name_idx on s1.items (name);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(versions(), "1,2,3") << r.output;
  EXPECT_EQ(q1("select indisvalid::text from pg_index where indexrelid = to_regclass('s1.items_name_idx')"),
            "true");
  EXPECT_EQ(
      q1("select string_agg(no_transaction::text, ',' order by version) from tenantd_migrations.history"),
      "false,false,true");

  // Control: without the marker the same kind of statement fails, so the marker is what mattered.
  write("migrations/0004_items_id_name_idx.sql",
        "create index concurrently items_id_name_idx on s1.items (id, name);\n");
  r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0004_items_id_name_idx.sql")) << r.output;
  EXPECT_TRUE(contains(r.output, "cannot run inside a transaction block")) << r.output;
  EXPECT_EQ(versions(), "1,2,3");
}

TEST_F(MigrateTest, NoTransactionMigrationWithSeveralStatements) {
  // A typical no-transaction migration builds several indexes concurrently. Outside a
  // transaction means each statement on its own, not one implicit transaction for the file.
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key, name text, owner text);\n");
  write("migrations/0003_items_idx.sql",
        "-- tenantd:no-transaction\n"
        "create index concurrently items_name_idx on s1.items (name);\n"
        "create index concurrently items_owner_idx on s1.items (owner);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(versions(), "1,2,3") << r.output;
  EXPECT_EQ(q1("select count(*) from pg_index where indisvalid and indexrelid in "
               "(to_regclass('s1.items_name_idx'), to_regclass('s1.items_owner_idx'))"),
            "2")
      << r.output;
}

TEST_F(MigrateTest, DuplicateVersionIsAnErrorNamingBothFiles) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n");
  write("migrations/0002_other.sql", "create table s1.other (id int primary key);\n");
  auto r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0002_items.sql")) << r.output;
  EXPECT_TRUE(contains(r.output, "0002_other.sql")) << r.output;
  EXPECT_EQ(versions(), "") << r.output;
  EXPECT_EQ(q1("select to_regnamespace('s1') is null"), "t");
}

TEST_F(MigrateTest, NewFileNumberedBelowLatestAppliedIsAnError) {
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0003_items.sql", "create table s1.items (id int primary key);\n");
  auto r = migrate("up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(versions(), "1,3") << r.output;
  const auto before = history();

  // Merged late from a branch: numbered below 0003, which is already applied.
  write("migrations/0002_early.sql", "create table s1.early (id int primary key);\n");
  write("migrations/0004_late.sql", "create table s1.late (id int primary key);\n");
  r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "0002_early.sql")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_EQ(history(), before);
  EXPECT_EQ(q1("select to_regclass('s1.early') is null and to_regclass('s1.late') is null"), "t");
}

class MigrateBadFileNameTest : public MigrateTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(MigrateBadFileNameTest, IsAnErrorNamingTheFile) {
  const std::string bad = GetParam();
  write("migrations/0001_schema.sql", kSchema);
  write("migrations/0002_items.sql", "create table s1.items (id int primary key);\n");
  write("migrations/" + bad, "create table s1.bad (id int primary key);\n");

  auto r = migrate("up");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, bad)) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_EQ(versions(), "") << r.output;
  EXPECT_EQ(q1("select to_regnamespace('s1') is null"), "t");

  auto s = migrate("status");
  EXPECT_NE(s.exit_code, 0) << s.output;
  EXPECT_TRUE(contains(s.output, bad)) << s.output;
}

INSTANTIATE_TEST_SUITE_P(MigrateFileNames, MigrateBadFileNameTest,
                         ::testing::Values("12_x.sql", "0003-x.sql", "0003_X.sql", "00003_x.sql",
                                           "0003.sql"));

// The repository's own migrations, sql/ and policies/ on a fresh database of a cluster whose
// roles already exist (the main database was migrated first).
using MigrateRepositoryTest = MigrateTest;

TEST_F(MigrateRepositoryTest, AppliesCleanlyToAFreshDatabaseAndSecondRunIsNoOp) {
  ASSERT_EQ(q1("select count(*) from pg_roles where rolname in "
               "('tenantd_owner', 'tenantd_app', 'tenantd_readonly', 'tenantd_migrator')"),
            "4")
      << "precondition: the cluster's roles exist";
  const fs::path src = source_dir();
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(src / "migrations")) {
    if (e.path().extension() == ".sql") files.insert(e.path().filename().string());
  }
  ASSERT_FALSE(files.empty());

  auto r = migrate_in(src, "up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(applied_lines(r.output).size(), files.size()) << r.output;
  const auto h1 = history();
  ASSERT_EQ(h1.size(), files.size()) << r.output;
  for (const auto& row : h1) {
    char num[16];
    std::snprintf(num, sizeof num, "%04d", std::stoi(row[0]));
    const std::string f = std::string(num) + "_" + row[1] + ".sql";
    EXPECT_TRUE(files.count(f)) << f;
    if (files.count(f)) {
      EXPECT_EQ(row[2], sha256_of_file(src / "migrations" / f)) << f;
    }
  }
  EXPECT_EQ(q1("select to_regnamespace('tenantd') is not null and to_regnamespace('api') is not null"), "t");
  const auto rep1 = repeatable();
  ASSERT_EQ(rep1.size(), 1u) << "sql/ and policies/ were not applied\n" << r.output;
  // The service (app role) reads the history for /readyz.
  EXPECT_EQ(q1("select has_table_privilege('tenantd_app', 'tenantd_migrations.history', 'select')"), "t");

  const auto fp1 = fingerprint();
  r = migrate_in(src, "up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "nothing to do")) << r.output;
  EXPECT_TRUE(applied_lines(r.output).empty()) << r.output;
  EXPECT_EQ(history(), h1);
  EXPECT_EQ(repeatable(), rep1);
  EXPECT_EQ(fingerprint(), fp1);

  auto s = migrate_in(src, "status");
  EXPECT_EQ(s.exit_code, 0) << s.output;
  auto v = migrate_in(src, "verify");
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

}  // namespace
}  // namespace tenantd::test
