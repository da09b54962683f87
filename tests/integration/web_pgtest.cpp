// The dashboard's files as tenantd serves them: the right content types, the security headers
// on every page, and no way out of web/: traversal in every spelling the router and the name
// check see (raw, percent-encoded, double-encoded, backslashes, absolute paths, NUL, dot files,
// unknown extensions, a symlink planted inside web/ that points out of it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "raw_http.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

class WebTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ =
        new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}, {"LOG_LEVEL", "warn"}});
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResponse get(const std::string& path) { return http_request(server_->port(), "GET", path); }
  static void expect_page_headers(const HttpResponse& r) {
    const std::string csp = r.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  }
  static inline TenantdProcess* server_ = nullptr;
};

TEST_F(WebTest, PagesAndAssetsWithTheirTypesAndHeaders) {
  struct Case {
    const char* path;
    const char* type;
    const char* contains;
  };
  for (const Case& c :
       {Case{"/admin", "text/html", "<title>tenantd"}, Case{"/admin/app.js", "text/javascript", "import"},
        Case{"/admin/api.js", "text/javascript", "export"}, Case{"/admin/style.css", "text/css", ":root"},
        Case{"/admin/signup-status.js", "text/javascript", "EventSource"}}) {
    const HttpResponse r = get(c.path);
    ASSERT_EQ(r.status, 200) << c.path;
    EXPECT_EQ(r.header("content-type").rfind(c.type, 0), 0u) << c.path << ": " << r.header("content-type");
    EXPECT_NE(r.body.find(c.contains), std::string::npos) << c.path;
    expect_page_headers(r);
  }
  const HttpResponse status = get("/signup/status/" + util::new_uuid());
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("signup-status.js"), std::string::npos);
  expect_page_headers(status);
  // no third-party resource anywhere in the pages
  for (const char* page : {"/admin", "/admin/app.js", "/admin/style.css"}) {
    const std::string body = get(page).body;
    EXPECT_EQ(body.find("http://"), std::string::npos) << page;
    EXPECT_EQ(body.find("https://"), std::string::npos) << page;
  }
}

TEST_F(WebTest, NothingOutsideTheWebDirectoryIsServed) {
  // files the process can read that must never be served: the repository's sources, /etc/passwd,
  // the process's environment
  RawConnection conn(server_->port());
  const char* attacks[] = {
      "/admin/../CMakeLists.txt",
      "/admin/..%2FCMakeLists.txt",
      "/admin/..%2f..%2f..%2fetc%2fpasswd",
      "/admin/%2e%2e%2fCMakeLists.txt",
      "/admin/%252e%252e%252fCMakeLists.txt",
      "/admin/..%5CCMakeLists.txt",
      "/admin/%2Fetc%2Fpasswd",
      "/admin/%2fproc%2fself%2fenviron",
      "/admin/.%2E/CMakeLists.txt",
      "/admin/app.js%00.png",
      "/admin/.htaccess",
      "/admin/.git",
      "/admin/index.html.bak",
      "/admin/README.md",
      "/admin/CMakeLists.txt",
      "/admin/APP.JS",
      "/admin/app.js/",
      "/admin/../../etc/passwd",
      "/admin//etc/passwd",
      "/admin/%C0%AE%C0%AE%2FCMakeLists.txt",
      "/signup/status/..%2F..%2FCMakeLists.txt",
      "/signup/status/not-a-uuid",
  };
  for (const char* target : attacks) {
    RawRequest req{"GET", target, {{"Host", "127.0.0.1"}}, "", false};
    const RawResponse r = conn.send(req);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_LT(r.status, 500) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("cmake_minimum_required"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("root:x:0:0"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("PATH="), std::string::npos) << target;
  }
}

TEST(WebSymlinkTest, ASymlinkOutOfTheDirectoryIsRefused) {
  // a copy of web/ with a planted link to a file outside it, served through WEB_DIR
  const std::string dir = source_dir() + "/var/web-symlink-" + util::new_uuid().substr(0, 8);
  std::filesystem::create_directories(dir);
  std::filesystem::copy(source_dir() + "/web", dir, std::filesystem::copy_options::recursive);
  const std::string outside = dir + "-outside.js";
  std::ofstream(outside) << "outside-marker";
  std::filesystem::create_symlink(outside, dir + "/leak.js");
  {
    TenantdProcess server(
        {{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}, {"WEB_DIR", dir}, {"LOG_LEVEL", "warn"}});
    const HttpResponse leak = http_request(server.port(), "GET", "/admin/leak.js");
    EXPECT_EQ(leak.status, 404);
    EXPECT_EQ(leak.body.find("outside-marker"), std::string::npos);
    EXPECT_EQ(http_request(server.port(), "GET", "/admin/app.js").status, 200) << "WEB_DIR is used";
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove(outside);
}

}  // namespace
}  // namespace tenantd::test
