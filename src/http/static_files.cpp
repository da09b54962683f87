#include "http/static_files.hpp"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace tenantd {
namespace fs = std::filesystem;

namespace {

std::string real(const fs::path& p) {
  char buf[PATH_MAX];
  if (!realpath(p.c_str(), buf)) return "";
  return buf;
}

const char* type_of(const std::string& ext) {
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  return nullptr;
}

}  // namespace

std::string resolve_web_dir(const std::string& configured) {
  if (!configured.empty()) return real(configured);
  const std::string exe = real("/proc/self/exe");
  if (exe.empty()) return "";
  const fs::path bin = fs::path(exe).parent_path();
  for (const fs::path& candidate : {bin / ".." / "share" / "tenantd" / "web", bin / ".." / "web"}) {
    std::error_code ec;
    if (fs::is_regular_file(candidate / "index.html", ec)) return real(candidate);
  }
  return "";
}

std::optional<StaticFile> read_static_file(const std::string& dir, const std::string& name) {
  static const std::regex kName("^[a-z0-9][a-z0-9_-]{0,63}\\.(html|js|css|svg|png)$");
  std::smatch m;
  if (dir.empty() || !std::regex_match(name, m, kName)) return std::nullopt;
  const std::string path = real(fs::path(dir) / name);
  if (path.empty() || path.compare(0, dir.size() + 1, dir + "/") != 0) return std::nullopt;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream os;
  os << in.rdbuf();
  return StaticFile{os.str(), type_of(m[1].str())};
}

const char* dashboard_csp() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

}  // namespace tenantd
