// JWKS by URL (JWT_JWKS_URL): a real tenantd fetches an identity provider's keys over HTTPS from
// a local server the test starts (python3's http.server + ssl, a certificate the test makes) and
// follows the provider's key rotation without a restart: on an unknown kid (at most once per
// JWKS_MIN_REFRESH_SECONDS), in the background when max-age runs out, keeping its keys while the
// provider is down, and refusing every token while it knows no key.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "auth/jwt.hpp"
#include "auth/signing_keys.hpp"
#include "support.hpp"

namespace tenantd::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file_atomically(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path + ".tmp");
    out << text;
  }
  fs::rename(path + ".tmp", path);
}

// The provider: tests/tools/jwks_server.py on 127.0.0.1, serving dir/jwks.json.
class JwksServer {
 public:
  JwksServer(std::string dir, const std::string& cert, const std::string& key) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    fs::remove(dir_ + "/port");
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open((dir_ + "/server.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      const std::string script = source_dir() + "/tests/tools/jwks_server.py";
      execlp("python3", "python3", script.c_str(), dir_.c_str(), cert.c_str(), key.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    if (!wait_for([&] { return fs::exists(dir_ + "/port"); })) {
      throw std::runtime_error("jwks_server.py did not start: " + read_file(dir_ + "/server.log"));
    }
    port_ = std::stoi(read_file(dir_ + "/port"));
  }
  ~JwksServer() { stop(); }
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/jwks.json"; }
  void publish(const std::string& jwks, const std::string& cache_control) {
    write_file_atomically(dir_ + "/cache-control", cache_control);
    write_file_atomically(dir_ + "/jwks.json", jwks);
  }
  int fetches() const {
    const std::string log = read_file(dir_ + "/requests.log");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class JwksUrlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = source_dir() + "/var/jwks-url-" + uniq();
    fs::create_directories(dir_);
    // The provider's certificate for 127.0.0.1, and a second one nobody trusts.
    for (const std::string name : {"trusted", "untrusted"}) {
      const CommandResult r = run_command(
          {"/usr/bin/env", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
           "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
           "-keyout", dir_ + "/" + name + "-key.pem", "-out", dir_ + "/" + name + ".pem"});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    for (const std::string kid : {"k1", "k2", "k3"}) {
      const CommandResult r =
          run_command({"/usr/bin/env", "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-out", dir_ + "/" + kid + ".pem"});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    seed_ = new Seed(seed_tenant("jwksurl", 1));
  }
  static void TearDownTestSuite() {
    delete seed_;
    fs::remove_all(dir_);
  }

  // The provider's key `kid` (the private half signs test tokens; the public half is published).
  static auth::SigningKeys provider_key(const std::string& kid) {
    return auth::SigningKeys::from_pem({{kid, read_file(dir_ + "/" + kid + ".pem")}});
  }
  static std::string jwks_of(std::initializer_list<std::string> kids) {
    std::string out = "{\"keys\":[";
    bool first = true;
    for (const auto& kid : kids) {
      out += (first ? "" : ",") + provider_key(kid).current().jwk_json();
      first = false;
    }
    return out + "]}";
  }
  // A token of the provider's key `kid` for the seeded tenant's admin.
  static std::string token_of(const std::string& kid) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    return provider_key(kid).current().sign(
        auth::access_claims_json(seed_->user_ids[0], seed_->id, "tenant_admin", now, now + 600));
  }
  static std::unique_ptr<TenantdProcess> tenantd_for(const std::string& url, int min_refresh,
                                                     const std::string& ca = "trusted") {
    return std::make_unique<TenantdProcess>(
        std::map<std::string, std::string>{{"JWT_JWKS_URL", url},
                                           {"JWT_JWKS_CA_FILE", dir_ + "/" + ca + ".pem"},
                                           {"JWKS_MIN_REFRESH_SECONDS", std::to_string(min_refresh)},
                                           {"LOG_LEVEL", "info"}});
  }
  static int me(const TenantdProcess& t, const std::string& token) {
    return http_request(t.port(), "GET", "/v1/me", bearer(token)).status;
  }
  static std::unique_ptr<JwksServer> provider(const std::string& name, const std::string& cert = "trusted") {
    return std::make_unique<JwksServer>(dir_ + "/" + name, dir_ + "/" + cert + ".pem",
                                        dir_ + "/" + cert + "-key.pem");
  }

  static inline std::string dir_;
  static inline Seed* seed_ = nullptr;
};

TEST_F(JwksUrlTest, FollowsTheProvidersRotationOnAnUnknownKid) {
  auto idp = provider("rotate");
  idp->publish(jwks_of({"k1"}), "public, max-age=3600");
  auto t = tenantd_for(idp->url(), 1);
  EXPECT_EQ(idp->fetches(), 1);
  EXPECT_EQ(me(*t, token_of("k1")), 200);
  EXPECT_EQ(idp->fetches(), 1);  // a known kid costs no fetch

  // The provider rotates: k2 replaces k1. The first k2 token makes tenantd fetch again (the
  // previous fetch may be less than JWKS_MIN_REFRESH_SECONDS old: bounded retries).
  idp->publish(jwks_of({"k2"}), "public, max-age=3600");
  EXPECT_TRUE(wait_for([&] { return me(*t, token_of("k2")) == 200; }));
  EXPECT_GE(idp->fetches(), 2);
  // k1 is gone from the provider, so from tenantd.
  auto r = http_request(t->port(), "GET", "/v1/me", bearer(token_of("k1")));
  expect_problem(r, 401, "invalid_token");
}

TEST_F(JwksUrlTest, UnknownKidsFetchAtMostOncePerMinimumInterval) {
  auto idp = provider("flood");
  idp->publish(jwks_of({"k1"}), "public, max-age=3600");
  auto t = tenantd_for(idp->url(), 3600);
  ASSERT_EQ(idp->fetches(), 1);
  // A stream of made-up kids, signed by a key the provider does not have.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (int i = 0; i < 20; ++i) {
    const auth::SigningKeys forged =
        auth::SigningKeys::from_pem({{"made-up-" + std::to_string(i), read_file(dir_ + "/k3.pem")}});
    const std::string tok = forged.current().sign(
        auth::access_claims_json(seed_->user_ids[0], seed_->id, "tenant_admin", now, now + 600));
    expect_problem(http_request(t->port(), "GET", "/v1/me", bearer(tok)), 401, "invalid_token");
  }
  // The start-up fetch was less than JWKS_MIN_REFRESH_SECONDS ago: none of them fetched.
  EXPECT_EQ(idp->fetches(), 1);
  EXPECT_EQ(me(*t, token_of("k1")), 200);
}

TEST_F(JwksUrlTest, RefreshesInTheBackgroundWhenMaxAgeRunsOut) {
  auto idp = provider("background");
  idp->publish(jwks_of({"k1"}), "max-age=1");
  auto t = tenantd_for(idp->url(), 1);
  const int before = idp->fetches();
  // No request reaches tenantd, yet it fetches again once max-age (1 s) has passed.
  EXPECT_TRUE(wait_for([&] { return idp->fetches() > before; }));
  EXPECT_EQ(me(*t, token_of("k1")), 200);
}

TEST_F(JwksUrlTest, KeepsItsKeysWhileTheProviderIsDown) {
  auto idp = provider("down");
  idp->publish(jwks_of({"k1"}), "max-age=1");
  auto t = tenantd_for(idp->url(), 1);
  ASSERT_EQ(me(*t, token_of("k1")), 200);
  idp->stop();
  // The background refresh (max-age 1 s) fails; an unknown kid's fetch fails too.
  EXPECT_TRUE(wait_for([&] {
    (void)me(*t, token_of("k2"));
    return t->log().find("jwks fetch failed") != std::string::npos;
  }));
  EXPECT_EQ(me(*t, token_of("k1")), 200);
  EXPECT_EQ(me(*t, token_of("k2")), 401);
}

TEST_F(JwksUrlTest, FailsClosedWithoutAnyKey) {
  // Nothing listens there: tenantd starts, and refuses every token.
  {
    auto t = tenantd_for("https://127.0.0.1:" + std::to_string(free_port()) + "/jwks.json", 1);
    expect_problem(http_request(t->port(), "GET", "/v1/me", bearer(token_of("k1"))), 401, "invalid_token");
  }
  // A provider whose certificate is not trusted (JWT_JWKS_CA_FILE names another one): its keys
  // are never believed.
  auto idp = provider("untrusted", "untrusted");
  idp->publish(jwks_of({"k1"}), "max-age=3600");
  auto t = tenantd_for(idp->url(), 1);
  expect_problem(http_request(t->port(), "GET", "/v1/me", bearer(token_of("k1"))), 401, "invalid_token");
  // A provider answering something that is not a JWKS.
  auto junk = provider("junk");
  junk->publish("<html>maintenance</html>", "max-age=3600");
  auto u = tenantd_for(junk->url(), 1);
  expect_problem(http_request(u->port(), "GET", "/v1/me", bearer(token_of("k1"))), 401, "invalid_token");
}

TEST_F(JwksUrlTest, OnlyHttpsUrlsAreAccepted) {
  try {
    TenantdProcess t(std::map<std::string, std::string>{{"JWT_JWKS_URL", "http://127.0.0.1:1/jwks.json"}});
    ADD_FAILURE() << "tenantd started with an http:// JWKS URL";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("JWT_JWKS_URL must be an https:// URL"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tenantd::test
