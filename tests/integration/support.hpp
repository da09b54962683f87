#pragma once
// Test support for the integration layer: real processes, real sockets, real PostgreSQL.
#include <rapidjson/document.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tenantd::test {

// Environment provided by scripts/test.sh.
std::string env_or(const char* name, const std::string& def = "");
std::string admin_url();     // superuser, database tenantd
std::string app_url();       // tenantd_app
std::string worker_url();    // tenantd_worker (WORKER_DATABASE_URL)
std::string migrator_url();  // tenantd_migrator
std::string source_dir();
std::string tenantd_binary();
// The same cluster, another database and/or role.
std::string url_for(const std::string& database, const std::string& role);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs argv to completion with extra environment variables.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

// Runs SQL as the superuser (bypasses RLS) and returns rows as text.
std::vector<std::vector<std::string>> admin_query(const std::string& sql, const std::string& url = "");
void admin_exec(const std::string& sql, const std::string& url = "");

int free_port();

// tests/fixtures/kek/test.keys: the KEK_FILE every TenantdProcess gets unless its env names one
// ("" for none). Its first key, id test-1, wraps the data keys the suites make.
std::string test_kek_file();

// A tenantd child process serving HTTP.
class TenantdProcess {
 public:
  TenantdProcess(std::map<std::string, std::string> env);
  ~TenantdProcess();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  std::string log() const;
  // SIGTERM and wait; returns the exit status (or -1 if it had to be killed).
  int stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// Test data, inserted as the superuser (RLS does not apply to it).
struct Seed {
  std::string id, slug;
  std::vector<std::string> user_ids, emails;
};
// A tenant on the enterprise plan (no limits) with `members` users; the first is its tenant_admin.
// Emails end in @{slug}.example.
Seed seed_tenant(const std::string& prefix, int members);

inline const std::string kTestSecret = "integration-test-secret-0123456789abcdef";
// HS256 token signed with kTestSecret. A super_admin token's subject is registered as a
// platform operator first (tenantd.platform_admins), as `tenantd admins add` would.
std::string mint_token(const std::string& sub, const std::optional<std::string>& tenant,
                       const std::string& role, int64_t ttl_seconds = 600);
// The same token without registering anything (an operator nobody registered).
std::string mint_unregistered_token(const std::string& sub, const std::optional<std::string>& tenant,
                                    const std::string& role, int64_t ttl_seconds = 600);

// Bounded wait for a condition another process makes true (never a timed assertion: the
// bound only keeps a broken run from hanging).
bool wait_for(const std::function<bool()>& cond, int max_ms = 20000);

// A `tenantd worker` child process with extra environment, output to `log`; stop_process
// sends SIGTERM and returns its exit status (-1 when it did not exit normally).
pid_t spawn_worker(const std::map<std::string, std::string>& extra, const std::string& log);
int stop_process(pid_t pid);

// ---- Helpers the test files share -------------------------------------------------------------
using Headers = std::map<std::string, std::string>;

// {"Authorization": "Bearer <tok>"}.
Headers bearer(const std::string& tok);

// The body parsed as JSON (check IsObject() / HasParseError() before reading members).
rapidjson::Document parse(const std::string& body);

// The string member `k` of `v`; "" when `v` is not an object or `k` is absent or not a string.
std::string str(const rapidjson::Value& v, const char* k);

// 8 random hex characters, to make names (slugs, emails, keys) unique per test run.
std::string uniq();

// The first column of the first row of `sql` run as the superuser; "" when there is no row.
std::string q1(const std::string& sql);

// `r` is a problem+json refusal with `status` (and `code`, when given): the members a client reads
// (type, title, status, a string code), an X-Request-Id, and no internal detail (SQL, SQLSTATE,
// library or table names) in the body. The leak list is the union of what each test file checked.
void expect_problem(const HttpResponse& r, int status, const std::string& code = "");

// A new member of `s` with `role` and a known password (scrypt, as login checks it); returns
// {user id, email}.
std::pair<std::string, std::string> member_with_password(const Seed& s, const std::string& password,
                                                         const std::string& role = "member");

// Minimal blocking HTTP/1.1 client (one request per connection).
HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::map<std::string, std::string>& headers = {},
                          const std::string& body = "");

}  // namespace tenantd::test
