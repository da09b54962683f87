#pragma once
// A real PgBouncer (Debian's package) in front of the test cluster, for the tests that run
// tenantd through a transaction pooler.
#include <sys/types.h>

#include <string>

namespace tenantd::test {

// Starts /usr/sbin/pgbouncer on a free loopback port with pool_mode = transaction and
// `server_connections` server connections per database and role (fewer than the clients the
// tests open; all open from the start and lent round robin), in front of the cluster at
// TEST_PG_HOST/TEST_PG_PORT. Clients authenticate with auth_type = trust (loopback only, test
// only); PgBouncer reaches PostgreSQL over the cluster's Unix socket, where the test cluster
// trusts local connections. Its files live under var/pgbouncer-PORT/; the destructor stops it
// (a failing test still runs it).
class PgBouncerProcess {
 public:
  explicit PgBouncerProcess(int server_connections);
  ~PgBouncerProcess();
  PgBouncerProcess(const PgBouncerProcess&) = delete;
  PgBouncerProcess& operator=(const PgBouncerProcess&) = delete;

  int port() const { return port_; }
  // Connection string for `role` to database tenantd through PgBouncer.
  std::string url(const std::string& role) const;
  // From PgBouncer's admin console: its client and server connections for `role`.
  int clients(const std::string& role) const { return count("clients", role); }
  int servers(const std::string& role) const { return count("servers", role); }
  std::string log() const;
  void stop();

 private:
  int count(const std::string& what, const std::string& role) const;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

}  // namespace tenantd::test
