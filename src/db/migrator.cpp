#include "db/migrator.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace tenantd::db {
namespace {

// One constant key: every runner of every tenantd version serialises on it.
constexpr const char* kLockKey = "hashtext('tenantd.migrate')";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw MigrationError("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Applied {
  int version;
  std::string name;
  std::string checksum;
  std::string applied_at;
};

void ensure_history(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  // The history lives apart from the application schemas so that migration 0001 (which
  // creates those schemas and the roles) can itself be recorded.
  // statement by statement (Citus may forward DDL as the text of the whole query string)
  for (const auto& stmt :
       split_sql_statements("create schema if not exists tenantd_migrations;"
                            "create table if not exists tenantd_migrations.history ("
                            " version integer primary key, name text not null, checksum text not null,"
                            " applied_at timestamptz not null default now(), duration_ms integer not null,"
                            " no_transaction boolean not null default false);"
                            "create table if not exists tenantd_migrations.repeatable ("
                            " id boolean primary key default true check (id), checksum text not null,"
                            " applied_at timestamptz not null default now());"))
    tx.exec(stmt);
}

std::vector<Applied> load_applied(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  std::vector<Applied> out;
  // status and verify must not create anything: no history table means nothing applied.
  if (tx.exec("select to_regclass('tenantd_migrations.history') is null")[0][0].as<bool>()) return out;
  for (const auto& r : tx.exec("select version, name, checksum, applied_at::text "
                               "from tenantd_migrations.history order by version")) {
    out.push_back({r[0].as<int>(), r[1].c_str(), r[2].c_str(), r[3].c_str()});
  }
  return out;
}

// Refuses to go on when history and files disagree: a changed or vanished applied file
// means the database no longer matches what the repository says it is.
void check_applied(const std::vector<Applied>& applied, const std::vector<MigrationFile>& files) {
  std::map<int, const MigrationFile*> by_version;
  for (const auto& f : files) by_version[f.version] = &f;
  for (const auto& a : applied) {
    auto it = by_version.find(a.version);
    char num[16];
    std::snprintf(num, sizeof num, "%04d", a.version);
    if (it == by_version.end()) {
      throw MigrationError("applied migration " + std::string(num) + "_" + a.name +
                           ".sql is missing from the migrations directory");
    }
    if (it->second->checksum != a.checksum) {
      throw MigrationError("applied migration " + it->second->path.filename().string() +
                           " has changed since it was applied (checksum " + a.checksum.substr(0, 12) +
                           "… now " + it->second->checksum.substr(0, 12) + "…)");
    }
  }
}

std::vector<fs::path> sorted_sql(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool owner_role_usable(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  auto r = tx.exec(
      "select exists (select 1 from pg_roles where rolname = 'tenantd_owner') "
      "and pg_has_role(current_user, 'tenantd_owner', 'member')");
  return r[0][0].as<bool>();
}

struct LockGuard {
  pqxx::connection& c;
  explicit LockGuard(pqxx::connection& conn) : c(conn) {
    pqxx::nontransaction tx(c);
    tx.exec(std::string("select pg_advisory_lock(") + kLockKey + ")");
  }
  ~LockGuard() {
    try {
      pqxx::nontransaction tx(c);
      tx.exec(std::string("select pg_advisory_unlock(") + kLockKey + ")");
    } catch (...) {
      // Closing the session releases the lock anyway.
    }
  }
};

std::string pad4(int v) {
  char num[16];
  std::snprintf(num, sizeof num, "%04d", v);
  return num;
}

}  // namespace

std::vector<std::string> split_sql_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  const size_t n = sql.size();
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) out.push_back(cur.substr(b));
    cur.clear();
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // line comment
      size_t e = sql.find('\n', i);
      i = e == std::string::npos ? n : e;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {  // block comment
      size_t e = sql.find("*/", i + 2);
      i = e == std::string::npos ? n : e + 2;
    } else if (c == '\'' || c == '"') {  // literal or quoted identifier; doubled quote escapes
      // E'…' also escapes with a backslash (E'it\'s'); E must start a word
      const bool escapes =
          c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
          (i == 1 || !(std::isalnum(static_cast<unsigned char>(sql[i - 2])) || sql[i - 2] == '_'));
      size_t e = i + 1;
      while (e < n) {
        if (escapes && sql[e] == '\\') {
          e += 2;
          continue;
        }
        if (sql[e] == c) {
          if (e + 1 < n && sql[e + 1] == c) {
            e += 2;
            continue;
          }
          break;
        }
        ++e;
      }
      e = std::min(e + 1, n);
      cur.append(sql, i, e - i);
      i = e;
    } else if (c == '$') {  // dollar quote $tag$ ... $tag$
      size_t e = i + 1;
      while (e < n && (std::isalnum(static_cast<unsigned char>(sql[e])) || sql[e] == '_')) ++e;
      if (e < n && sql[e] == '$') {
        const std::string tag = sql.substr(i, e - i + 1);
        const size_t close = sql.find(tag, e + 1);
        const size_t stop = close == std::string::npos ? n : close + tag.size();
        cur.append(sql, i, stop - i);
        i = stop;
      } else {
        cur.push_back(c);
        ++i;
      }
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      cur.push_back(c);
      ++i;
    }
  }
  flush();
  return out;
}

std::vector<MigrationFile> scan_migrations(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw MigrationError("migrations directory " + dir.string() + " not found");
  static const std::regex kName(R"(^(\d{4})_([a-z0-9_]+)\.sql$)");
  std::vector<MigrationFile> files;
  std::map<int, std::string> seen;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string fname = e.path().filename().string();
    if (e.path().extension() != ".sql") continue;
    std::smatch m;
    if (!std::regex_match(fname, m, kName)) {
      throw MigrationError("migration file " + fname +
                           " breaks the naming order: expected NNNN_name.sql (4 digits, lower-case name)");
    }
    MigrationFile f;
    f.version = std::stoi(m[1]);
    f.name = m[2];
    f.path = e.path();
    const std::string body = read_file(e.path());
    f.checksum = util::sha256_hex(body);
    f.no_transaction = body.rfind("-- tenantd:no-transaction", 0) == 0;
    if (seen.count(f.version)) {
      throw MigrationError("migration files " + seen[f.version] + " and " + fname + " share version " +
                           m[1].str());
    }
    seen[f.version] = fname;
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return files;
}

int migrate_up(const MigrateOptions& opt, std::ostream& out) {
  const auto files = scan_migrations(opt.root / "migrations");
  pqxx::connection c(opt.url);
  LockGuard lock(c);
  ensure_history(c);
  const auto applied = load_applied(c);
  check_applied(applied, files);
  int max_applied = applied.empty() ? 0 : applied.back().version;
  std::map<int, bool> done;
  for (const auto& a : applied) done[a.version] = true;

  int count = 0;
  for (const auto& f : files) {
    if (done.count(f.version)) continue;
    if (f.version < max_applied) {
      throw MigrationError("migration file " + f.path.filename().string() + " is numbered below the latest " +
                           "applied migration " + pad4(max_applied) + ": renumber it after that one");
    }
    const std::string sql = read_file(f.path);
    const bool as_owner = owner_role_usable(c);
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed_ms = [&] {
      return static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
              .count());
    };
    const char* kRecord =
        "insert into tenantd_migrations.history (version, name, checksum, duration_ms, no_transaction) "
        "values ($1, $2, $3, $4, $5)";
    int ms = 0;
    try {
      if (f.no_transaction) {
        // PostgreSQL runs a multi-statement query string as one implicit transaction, which
        // CREATE INDEX CONCURRENTLY refuses: send the statements one by one. Such a file
        // cannot be atomic, so write it to be re-runnable (IF NOT EXISTS).
        pqxx::nontransaction tx(c);
        if (as_owner) tx.exec("set role tenantd_owner");
        for (const auto& stmt : split_sql_statements(sql)) tx.exec(stmt);
        tx.exec("reset role");
        ms = elapsed_ms();
        tx.exec_params(kRecord, f.version, f.name, f.checksum, ms, true);
      } else {
        // The history row commits with the migration itself: a run that dies in between
        // leaves neither, never an applied but unrecorded migration.
        // Statement by statement in one transaction: Citus forwards some DDL (CREATE TRIGGER) to
        // the workers as the text of the query string it came in, which must hold only it.
        pqxx::work tx(c);
        if (as_owner) tx.exec("set local role tenantd_owner");
        for (const auto& stmt : split_sql_statements(sql)) tx.exec(stmt);
        tx.exec("reset role");
        ms = elapsed_ms();
        tx.exec_params(kRecord, f.version, f.name, f.checksum, ms, false);
        tx.commit();
      }
    } catch (const pqxx::sql_error& e) {
      throw MigrationError("migration " + f.path.filename().string() + " failed: " + e.what());
    }
    out << "applied " << f.path.filename().string() << " (" << ms << " ms)\n";
    max_applied = f.version;
    ++count;
  }

  // Repeatable definitions: functions, then policies, in one transaction. Skipped when the
  // set of files is byte-for-byte what was applied last, so a second run changes nothing.
  std::vector<fs::path> repeatable = sorted_sql(opt.root / "sql");
  for (auto& p : sorted_sql(opt.root / "policies")) repeatable.push_back(p);
  std::string all;
  for (const auto& p : repeatable) {
    all += p.parent_path().filename().string() + "/" + p.filename().string() + "\n";
    all += util::sha256_hex(read_file(p)) + "\n";
  }
  const std::string checksum = util::sha256_hex(all);
  std::string previous;
  {
    pqxx::nontransaction tx(c);
    auto r = tx.exec("select checksum from tenantd_migrations.repeatable");
    if (!r.empty()) previous = r[0][0].c_str();
  }
  if (previous == checksum && !opt.reapply && count == 0) {
    out << "sql/ and policies/ unchanged; nothing to do\n";
    return count;
  }
  const bool as_owner = owner_role_usable(c);
  if (as_owner) {
    // The history tables were created before the owner role existed; hand them over. Committed
    // before the owner acts on them: on Citus each role reaches the workers on a connection of
    // its own, which would not see the migrator's uncommitted change of owner.
    // One statement per call: Citus forwards ALTER SCHEMA as the query string's text.
    pqxx::work handover(c);
    handover.exec("reset role");
    handover.exec("alter schema tenantd_migrations owner to tenantd_owner");
    handover.exec("alter table tenantd_migrations.history owner to tenantd_owner");
    handover.exec("alter table tenantd_migrations.repeatable owner to tenantd_owner");
    handover.commit();
  }
  pqxx::work tx(c);
  if (as_owner) {
    tx.exec("set local role tenantd_owner");
    tx.exec("grant usage on schema tenantd_migrations to tenantd_app, tenantd_readonly");
    tx.exec("grant select on tenantd_migrations.history to tenantd_app, tenantd_readonly");
  }
  for (const auto& p : repeatable) {
    try {
      // one statement at a time, as for migrations (Citus forwards CREATE TRIGGER as its text)
      for (const auto& stmt : split_sql_statements(read_file(p))) tx.exec(stmt);
    } catch (const pqxx::sql_error& e) {
      throw MigrationError(p.parent_path().filename().string() + "/" + p.filename().string() +
                           " failed: " + e.what());
    }
  }
  tx.exec_params(
      "insert into tenantd_migrations.repeatable (checksum) values ($1) "
      "on conflict (id) do update set checksum = excluded.checksum, applied_at = now()",
      checksum);
  tx.commit();
  out << "re-applied " << repeatable.size() << " files from sql/ and policies/\n";
  return count;
}

int migrate_status(const MigrateOptions& opt, std::ostream& out) {
  const auto files = scan_migrations(opt.root / "migrations");
  pqxx::connection c(opt.url);
  const auto applied = load_applied(c);
  check_applied(applied, files);
  std::map<int, const Applied*> done;
  for (const auto& a : applied) done[a.version] = &a;
  int pending = 0;
  for (const auto& f : files) {
    auto it = done.find(f.version);
    if (it != done.end()) {
      out << "applied  " << f.path.filename().string() << "  " << it->second->applied_at << "\n";
    } else {
      out << "pending  " << f.path.filename().string() << "\n";
      ++pending;
    }
  }
  out << applied.size() << " applied, " << pending << " pending\n";
  return pending;
}

void migrate_verify(const MigrateOptions& opt, std::ostream& out) {
  const auto files = scan_migrations(opt.root / "migrations");
  pqxx::connection c(opt.url);
  const auto applied = load_applied(c);
  check_applied(applied, files);
  out << "checksums of " << applied.size() << " applied migrations match\n";
}

}  // namespace tenantd::db
