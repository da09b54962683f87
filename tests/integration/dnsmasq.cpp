#include "dnsmasq.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support.hpp"
#include "util/dns.hpp"

namespace tenantd::test {

DnsmasqProcess::DnsmasqProcess(const DnsRecords& records, int port) : port_(port ? port : free_port()) {
  log_path_ = source_dir() + "/var/dnsmasq-" + std::to_string(port_) + ".log";
  start(records);
}

DnsmasqProcess::~DnsmasqProcess() {
  stop();
}

void DnsmasqProcess::start(const DnsRecords& records) {
  std::vector<std::string> args = {"/usr/sbin/dnsmasq", "--keep-in-foreground",
                                   "--conf-file=/dev/null",  // nothing from /etc/dnsmasq.conf
                                   "--no-resolv",            // no upstream servers
                                   "--no-hosts",
                                   // names under .example and .test (the tests' names) that no record
                                   // names are NXDOMAIN; other names are REFUSED
                                   "--address=/example/", "--address=/test/", "--listen-address=127.0.0.1",
                                   "--bind-interfaces", "--port=" + std::to_string(port_),
                                   "--pid-file=", "--log-queries", "--log-facility=-"};
  if (geteuid() == 0) args.push_back("--user=root");  // no privilege drop needed for a loopback port
  for (const auto& [name, value] : records.txt) args.push_back("--txt-record=" + name + "," + value);
  for (const auto& name : records.hosts) args.push_back("--host-record=" + name + ",127.0.0.1");
  for (const auto& [name, target] : records.cname) args.push_back("--cname=" + name + "," + target);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Ready when it answers: NXDOMAIN for a name under .test that nobody wrote.
  const util::DnsServer s{"127.0.0.1", port_};
  const bool up = wait_for([&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("dnsmasq exited: " + log());
    }
    return util::dns_query_txt(s, "ready.probe.test", 200).error == "NXDOMAIN";
  });
  if (!up) {
    stop();  // a constructor that throws runs no destructor: leave no server behind
    throw std::runtime_error("dnsmasq did not answer: " + log());
  }
}

void DnsmasqProcess::restart(const DnsRecords& records) {
  stop();
  start(records);
}

void DnsmasqProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string DnsmasqProcess::log() const {
  std::ifstream f(log_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace tenantd::test
