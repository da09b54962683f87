#include "support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "db/retry_rolled_back.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {

std::string env_or(const char* name, const std::string& def) {
  const char* v = std::getenv(name);
  return v && *v ? v : def;
}

std::string admin_url() {
  return env_or("TEST_ADMIN_URL");
}
std::string app_url() {
  return env_or("DATABASE_URL");
}
std::string worker_url() {
  return env_or("WORKER_DATABASE_URL");
}
std::string migrator_url() {
  return env_or("MIGRATE_DATABASE_URL");
}
std::string source_dir() {
  return env_or("TENANTD_SOURCE_DIR", TENANTD_SOURCE_DIR);
}
std::string tenantd_binary() {
  return env_or("TENANTD_BINARY", TENANTD_BINARY);
}

std::string url_for(const std::string& database, const std::string& role) {
  const std::string host = env_or("TEST_PG_HOST");
  const std::string port = env_or("TEST_PG_PORT");
  if (host.empty()) throw std::runtime_error("TEST_PG_HOST is not set (run through make test)");
  return "postgresql:///" + database + "?host=" + host + "&port=" + port + "&user=" + role;
}

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  CommandResult r;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<std::vector<std::string>> admin_query(const std::string& sql, const std::string& url) {
  pqxx::connection c(url.empty() ? admin_url() : url);
  pqxx::nontransaction tx(c);
  std::vector<std::vector<std::string>> out;
  for (const auto& row : tx.exec(sql)) {
    std::vector<std::string> r;
    for (const auto& f : row) r.push_back(f.is_null() ? "<null>" : f.c_str());
    out.push_back(std::move(r));
  }
  return out;
}

// On Citus a write to tenants can be cancelled by the distributed deadlock detector when it
// meets a domain check's write to domains (docs/scale-out.md, "Deadlocks between reference
// tables"): the harness, like any client of the cluster, runs the rolled-back transaction again
// (db::retry_rolled_back). DomainsTest lost two seeds this way in CI.
template <typename F>
void retry_rolled_back(F&& work) {
  db::retry_rolled_back(5, work, [](int) {});
}

void admin_exec(const std::string& sql, const std::string& url) {
  retry_rolled_back([&] {
    pqxx::connection c(url.empty() ? admin_url() : url);
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  });
}

std::string test_kek_file() {
  return source_dir() + "/tests/fixtures/kek/test.keys";
}

int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(s);
  return port;
}

TenantdProcess::TenantdProcess(std::map<std::string, std::string> env) {
  port_ = free_port();
  env["LISTEN_ADDR"] = "127.0.0.1:" + std::to_string(port_);
  if (!env.count("DATABASE_URL")) env["DATABASE_URL"] = app_url();
  if (!env.count("WORKER_DATABASE_URL")) env["WORKER_DATABASE_URL"] = worker_url();
  // Per-address limits only where a test asks for them: every test client is 127.0.0.1, and the
  // suites log in and accept invitations far more often than any one person would.
  for (const char* limit : {"LOGIN_RATE_PER_MINUTE", "ACCEPT_RATE_PER_MINUTE"}) {
    if (!env.count(limit)) env[limit] = "1000000";
  }
  // Job workers only where a test asks for them: a stray worker would take other tests' jobs.
  if (!env.count("WORKERS")) env["WORKERS"] = "0";
  if (!env.count("MIGRATIONS_DIR")) env["MIGRATIONS_DIR"] = source_dir() + "/migrations";
  // Secret configuration needs a KEK (fail closed without one); "" leaves it unset.
  if (!env.count("KEK_FILE")) env["KEK_FILE"] = test_kek_file();
  log_path_ = source_dir() + "/var/tenantd-test-" + std::to_string(port_) + ".log";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::string bin = tenantd_binary();
    execl(bin.c_str(), bin.c_str(), "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (bounded) until it answers /healthz.
  for (int i = 0; i < 200; ++i) {
    try {
      if (http_request(port_, "GET", "/healthz").status == 200) return;
    } catch (const std::exception&) {
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("tenantd exited during start-up: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("tenantd did not answer /healthz: " + log());
}

TenantdProcess::~TenantdProcess() {
  stop();
}

std::string TenantdProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int TenantdProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

static void seed_tenant_rows(Seed& s, int members);

Seed seed_tenant(const std::string& prefix, int members) {
  Seed s;
  s.id = util::new_uuid();
  s.slug = prefix + "-" + s.id.substr(0, 8);
  retry_rolled_back([&] { seed_tenant_rows(s, members); });
  return s;
}

// seed_tenant's one transaction (run again whole if Citus cancels it, retry_rolled_back)
static void seed_tenant_rows(Seed& s, int members) {
  s.user_ids.clear();
  s.emails.clear();
  pqxx::connection c(admin_url());
  pqxx::work tx(c);
  // on the enterprise plan (no limits, every feature): the tests of other areas are not about
  // quotas; tests/integration/quotas_pgtest.cpp sets the plan it tests
  tx.exec_params(
      "insert into tenantd.tenants (id, slug, name, status, plan) values ($1, $2, $3, 'active', "
      "'enterprise')",
      s.id, s.slug, "Tenant " + s.slug);
  // the preseed provisioning would have created (built-in roles, onboarding steps)
  tx.exec_params("select tenantd.seed_tenant_defaults($1::uuid)", s.id);
  for (int i = 0; i < members; ++i) {
    const std::string uid = util::new_uuid();
    const std::string email = "user" + std::to_string(i) + "@" + s.slug + ".example";
    // the identity is the email only; the name is this membership's profile (taken up, as if the
    // person had accepted an invitation)
    tx.exec_params("insert into tenantd.users (id, email) values ($1, $2)", uid, email);
    tx.exec_params(
        "insert into tenantd.memberships (tenant_id, user_id, role, display_name, accepted_at) "
        "values ($1, $2, $3, $4, now())",
        s.id, uid, std::string(i == 0 ? "tenant_admin" : "member"), "U" + std::to_string(i));
    s.user_ids.push_back(uid);
    s.emails.push_back(email);
  }
  tx.commit();
}

std::string mint_token(const std::string& sub, const std::optional<std::string>& tenant,
                       const std::string& role, int64_t ttl_seconds) {
  // A super_admin claim is honoured only for a registered operator (tenantd.enter_context), so a
  // test that mints one means a registered one. mint_unregistered_token skips this.
  if (role == "super_admin") {
    pqxx::connection c(admin_url());
    pqxx::nontransaction tx(c);
    tx.exec_params("insert into tenantd.platform_admins (subject) values ($1) on conflict do nothing", sub);
  }
  return mint_unregistered_token(sub, tenant, role, ttl_seconds);
}

std::string mint_unregistered_token(const std::string& sub, const std::optional<std::string>& tenant,
                                    const std::string& role, int64_t ttl_seconds) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  return auth::mint_hs256(kTestSecret, sub, tenant, role, now, now + ttl_seconds);
}

bool wait_for(const std::function<bool()>& cond, int max_ms) {
  for (int waited = 0; waited < max_ms; waited += 50) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

pid_t spawn_worker(const std::map<std::string, std::string>& extra, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    setenv("DATABASE_URL", app_url().c_str(), 1);
    setenv("WORKER_DATABASE_URL", worker_url().c_str(), 1);
    setenv("KEK_FILE", test_kek_file().c_str(), 1);  // the key rotation job; extra may override
    for (const auto& [k, v] : extra) setenv(k.c_str(), v.c_str(), 1);
    const std::string bin = tenantd_binary();
    execl(bin.c_str(), bin.c_str(), "worker", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int stop_process(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::map<std::string, std::string>& headers, const std::string& body) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) throw std::runtime_error("socket failed");
  timeval tv{30, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(s);
    throw std::runtime_error("connect failed");
  }
  std::string req = method + " " + target + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), "host") == 0) has_host = true;
    req += k + ": " + v + "\r\n";
  }
  if (!has_host) req += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "Connection: close\r\n\r\n" + body;
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = send(s, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) before reading everything
    off += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  HttpResponse r;
  size_t header_end = std::string::npos;
  size_t content_length = std::string::npos;
  for (;;) {
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = raw.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::istringstream hs(raw.substr(0, header_end));
        std::string line;
        std::getline(hs, line);
        r.status = std::stoi(line.substr(9, 3));
        while (std::getline(hs, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          auto colon = line.find(':');
          if (colon == std::string::npos) continue;
          std::string k = line.substr(0, colon);
          for (auto& c : k) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
          std::string v = line.substr(colon + 1);
          while (!v.empty() && v.front() == ' ') v.erase(0, 1);
          r.headers[k] = v;
        }
        if (r.headers.count("content-length")) content_length = std::stoul(r.headers["content-length"]);
      }
    }
    // An event stream stays open: its answer here is the opening (the first chunk, which the
    // server writes in one piece), de-chunked; tests that follow a stream use sse_client.hpp.
    if (header_end != std::string::npos && r.header("content-type").rfind("text/event-stream", 0) == 0) {
      const size_t size_end = raw.find("\r\n", header_end + 4);
      if (size_end != std::string::npos) {
        const size_t size = std::stoul(raw.substr(header_end + 4, size_end - header_end - 4), nullptr, 16);
        if (raw.size() >= size_end + 2 + size) {
          close(s);
          r.body = raw.substr(size_end + 2, size);
          return r;
        }
      }
    }
    if (header_end != std::string::npos && content_length != std::string::npos &&
        raw.size() >= header_end + 4 + content_length) {
      break;
    }
  }
  close(s);
  if (header_end == std::string::npos) throw std::runtime_error("no HTTP response");
  r.body = raw.substr(header_end + 4);
  if (content_length != std::string::npos && r.body.size() > content_length) r.body.resize(content_length);
  return r;
}

Headers bearer(const std::string& tok) {
  return {{"Authorization", "Bearer " + tok}};
}

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d;
}

std::string str(const rapidjson::Value& v, const char* k) {
  if (!v.IsObject() || !v.HasMember(k) || !v[k].IsString()) return "";
  return std::string(v[k].GetString(), v[k].GetStringLength());
}

std::string uniq() {
  return util::new_uuid().substr(0, 8);
}

std::string q1(const std::string& sql) {
  auto rows = admin_query(sql);
  return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

void expect_problem(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject()) << r.body;
  ASSERT_TRUE(d.HasMember("code") && d["code"].IsString()) << r.body;
  EXPECT_TRUE(d.HasMember("type") && d.HasMember("title") && d.HasMember("status")) << r.body;
  EXPECT_TRUE(d["status"].IsInt() && d["status"].GetInt() == status) << r.body;
  if (!code.empty()) {
    EXPECT_EQ(str(d, "code"), code) << r.body;
  }
  for (const char* leak : {"ERROR:", "pqxx", "SQLSTATE", "select ", "what()", "relation ", "violates",
                           "CONTEXT", "tenantd.tenant", "tenantd.users", "tenantd.memberships",
                           "tenantd.roles", "tenantd.onboarding", "tenantd.audit", "tenantd.invitations",
                           "tenantd.sessions", "tenantd.login_attempts", "tenantd.platform_admins", "api."}) {
    EXPECT_EQ(r.body.find(leak), std::string::npos) << "internal detail leaked: " << r.body;
  }
  EXPECT_FALSE(r.header("x-request-id").empty()) << r.body;
}

std::pair<std::string, std::string> member_with_password(const Seed& s, const std::string& password,
                                                         const std::string& role) {
  const std::string uid = util::new_uuid();
  const std::string email = "pw-" + uniq() + "@" + s.slug + ".example";
  admin_exec("insert into tenantd.users (id, email) values ('" + uid + "', '" + email + "')");
  admin_exec("insert into tenantd.memberships (tenant_id, user_id, role, password_hash) values ('" + s.id +
             "', '" + uid + "', '" + role + "', '" + auth::hash_password(password) + "')");
  return {uid, email};
}

}  // namespace tenantd::test
