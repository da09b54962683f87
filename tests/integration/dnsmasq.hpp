#pragma once
// A real DNS server (Debian's dnsmasq) on a loopback port, answering only the records a test
// writes: the custom-domain tests point tenantd's DNS_SERVER at it.
#include <sys/types.h>

#include <string>
#include <vector>

namespace tenantd::test {

struct DnsRecords {
  std::vector<std::pair<std::string, std::string>> txt;    // name, value (several per name allowed)
  std::vector<std::pair<std::string, std::string>> cname;  // name, target
  std::vector<std::string> hosts;                          // names with an A record (127.0.0.1)
};

// Starts /usr/sbin/dnsmasq in the foreground on 127.0.0.1:port (a free port unless given), no
// upstream servers, no /etc/hosts: other names under .example and .test are NXDOMAIN. `restart` replaces the
// records on the same port (a record that changes while tenantd polls). The destructor stops it.
class DnsmasqProcess {
 public:
  explicit DnsmasqProcess(const DnsRecords& records, int port = 0);
  ~DnsmasqProcess();
  DnsmasqProcess(const DnsmasqProcess&) = delete;
  DnsmasqProcess& operator=(const DnsmasqProcess&) = delete;

  int port() const { return port_; }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }  // DNS_SERVER
  void restart(const DnsRecords& records);
  void stop();
  std::string log() const;

 private:
  void start(const DnsRecords& records);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace tenantd::test
