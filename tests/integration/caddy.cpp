#include "caddy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support.hpp"

namespace tenantd::test {

CaddyProcess::CaddyProcess(int upstream_port) : https_port_(free_port()) {
  const int http_port = free_port();  // unused (no redirects), but Caddy binds it otherwise to :80
  dir_ = source_dir() + "/var/caddy-" + std::to_string(https_port_);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  const std::string upstream = "127.0.0.1:" + std::to_string(upstream_port);
  std::ofstream(dir_ + "/Caddyfile") << "{\n"
                                     << "\tadmin off\n"
                                     << "\tauto_https disable_redirects\n"
                                     << "\thttp_port " << http_port << "\n"
                                     << "\thttps_port " << https_port_ << "\n"
                                     << "\tstorage file_system " << dir_ << "/data\n"
                                     << "\tskip_install_trust\n"
                                     << "\tservers {\n\t\tprotocols h1 h2\n\t}\n"
                                     << "\ton_demand_tls {\n"
                                     << "\t\task http://" << upstream << "/v1/domains/allowed\n"
                                     << "\t}\n"
                                     << "}\n"
                                     << "https:// {\n"
                                     << "\tbind 127.0.0.1\n"
                                     << "\ttls internal {\n"
                                     << "\t\ton_demand\n"
                                     << "\t}\n"
                                     << "\treverse_proxy " << upstream << "\n"
                                     << "}\n";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open((dir_ + "/caddy.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    // its own config and data homes: nothing from or into the machine's Caddy
    setenv("HOME", dir_.c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir_ + "/config").c_str(), 1);
    setenv("XDG_DATA_HOME", (dir_ + "/data").c_str(), 1);
    execl("/usr/bin/caddy", "caddy", "run", "--config", (dir_ + "/Caddyfile").c_str(), "--adapter",
          "caddyfile", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Ready when the local CA exists (created at start for `tls internal`) and the HTTPS port listens.
  const bool up = wait_for([&] {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("caddy exited: " + log());
    }
    struct stat st;
    if (stat(root_cert().c_str(), &st) != 0) return false;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(https_port_));
    const bool listening = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return listening;
  });
  if (!up) {
    stop();  // a constructor that throws runs no destructor: leave no server behind
    throw std::runtime_error("caddy did not start: " + log());
  }
}

CaddyProcess::~CaddyProcess() {
  stop();
}

std::string CaddyProcess::root_cert() const {
  return dir_ + "/data/pki/authorities/local/root.crt";
}

void CaddyProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string CaddyProcess::log() const {
  std::ifstream f(dir_ + "/caddy.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace tenantd::test
