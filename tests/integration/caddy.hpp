#pragma once
// A real Caddy (Debian's package) on loopback ports terminating TLS for custom domains in front
// of a tenantd: certificates from Caddy's own local CA (`tls internal`), issued on demand for a
// hostname only when tenantd's ask endpoint (GET /v1/domains/allowed) answers 200.
#include <sys/types.h>

#include <string>

namespace tenantd::test {

class CaddyProcess {
 public:
  // Proxies to 127.0.0.1:upstream_port and asks it before issuing a certificate. Its files
  // (Caddyfile, storage with the local CA, log) live under var/caddy-PORT/; the destructor stops it.
  explicit CaddyProcess(int upstream_port);
  ~CaddyProcess();
  CaddyProcess(const CaddyProcess&) = delete;
  CaddyProcess& operator=(const CaddyProcess&) = delete;

  int https_port() const { return https_port_; }
  // The local CA's root certificate, for curl --cacert.
  std::string root_cert() const;
  std::string log() const;
  void stop();

 private:
  pid_t pid_ = -1;
  int https_port_ = 0;
  std::string dir_;
};

}  // namespace tenantd::test
