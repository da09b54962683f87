#include "pgbouncer.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support.hpp"

namespace tenantd::test {

PgBouncerProcess::PgBouncerProcess(int server_connections) {
  const std::string pg_host = env_or("TEST_PG_HOST");
  const std::string pg_port = env_or("TEST_PG_PORT");
  if (pg_host.empty()) throw std::runtime_error("TEST_PG_HOST is not set (run through make test)");
  const std::string bin = env_or("PGBOUNCER_BINARY", "/usr/sbin/pgbouncer");
  if (access(bin.c_str(), X_OK) != 0) throw std::runtime_error(bin + " is missing: run scripts/deps.sh");
  port_ = free_port();
  dir_ = source_dir() + "/var/pgbouncer-" + std::to_string(port_);
  mkdir((source_dir() + "/var").c_str(), 0755);
  mkdir(dir_.c_str(), 0755);
  chmod(dir_.c_str(), 0755);  // readable by the postgres user PgBouncer runs as under root
  {
    // auth_type = trust still wants the user names listed.
    std::ofstream users(dir_ + "/users.txt");
    for (const char* role : {"tenantd_app", "tenantd_worker", "tenantd_readonly", "postgres"}) {
      users << '"' << role << "\" \"\"\n";
    }
  }
  {
    std::ofstream ini(dir_ + "/pgbouncer.ini");
    // min_pool_size and server_round_robin: all server connections open from the start and are
    // lent in turn (FIFO), so that even one client's consecutive transactions change server.
    ini << "[databases]\n"
        << "tenantd = host=" << pg_host << " port=" << pg_port << " dbname=tenantd\n"
        << "[pgbouncer]\n"
        << "listen_addr = 127.0.0.1\n"
        << "listen_port = " << port_ << "\n"
        << "unix_socket_dir =\n"
        << "auth_type = trust\n"
        << "admin_users = postgres\n"
        << "auth_file = " << dir_ << "/users.txt\n"
        << "pool_mode = transaction\n"
        << "default_pool_size = " << server_connections << "\n"
        << "min_pool_size = " << server_connections << "\n"
        << "server_round_robin = 1\n"
        << "reserve_pool_size = 0\n"
        << "max_client_conn = 200\n"
        << "max_db_connections = " << server_connections << "\n"
        << "ignore_startup_parameters = extra_float_digits\n"
        << "log_connections = 0\n"
        << "log_disconnections = 0\n";
    // PgBouncer refuses to run as root; under root it switches to the postgres user.
    if (getuid() == 0) ini << "user = postgres\n";
  }
  chmod((dir_ + "/users.txt").c_str(), 0644);
  chmod((dir_ + "/pgbouncer.ini").c_str(), 0644);
  const std::string log_path = dir_ + "/pgbouncer.log";
  const std::string ini_path = dir_ + "/pgbouncer.ini";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(bin.c_str(), bin.c_str(), ini_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Bounded wait until it accepts a client and reaches PostgreSQL through a server connection.
  for (int i = 0; i < 200; ++i) {
    try {
      pqxx::connection c(url("tenantd_app"));
      pqxx::nontransaction tx(c);
      tx.exec("select 1");
      return;
    } catch (const std::exception&) {
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("pgbouncer exited during start-up: " + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  throw std::runtime_error("pgbouncer did not accept connections: " + log());
}

PgBouncerProcess::~PgBouncerProcess() {
  stop();
}

std::string PgBouncerProcess::url(const std::string& role) const {
  return "postgresql://" + role + "@127.0.0.1:" + std::to_string(port_) + "/tenantd";
}

int PgBouncerProcess::count(const std::string& what, const std::string& role) const {
  // psql rather than libpqxx, which refuses the admin console (it reports PgBouncer's version).
  const std::string psql = env_or("PGBIN", "/usr/lib/postgresql/15/bin") + "/psql";
  auto r = run_command({psql, "-X", "-A", "-F", "|", "-P", "footer=off", "-c", "show " + what,
                        "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/pgbouncer"});
  if (r.exit_code != 0) throw std::runtime_error("pgbouncer console: " + r.output);
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, '|')) out.push_back(f);
    return out;
  };
  std::stringstream lines(r.output);
  std::string line;
  std::getline(lines, line);
  const auto header = split(line);
  size_t user = header.size(), database = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "user") user = i;
    if (header[i] == "database") database = i;
  }
  if (user == header.size() || database == header.size())
    throw std::runtime_error("pgbouncer console: " + r.output);
  int n = 0;
  while (std::getline(lines, line)) {
    const auto row = split(line);
    if (row.size() > std::max(user, database) && row[user] == role && row[database] == "tenantd") ++n;
  }
  return n;
}

std::string PgBouncerProcess::log() const {
  std::ifstream in(dir_ + "/pgbouncer.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void PgBouncerProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);  // immediate shutdown: its clients are gone or dying with the test
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace tenantd::test
