#pragma once
#include <optional>
#include <string>

namespace tenantd {

// The dashboard's files (web/): found once, served only by exact, checked names.
struct StaticFile {
  std::string body;
  std::string content_type;
};

// The directory the files are served from: WEB_DIR when set; else, next to the binary, the
// installed layout (<prefix>/bin/tenantd → <prefix>/share/tenantd/web) or the build tree
// (build/tenantd → web/). Empty when none exists.
std::string resolve_web_dir(const std::string& configured);

// A file of `dir` by its bare name: lower-case letters, digits, '-' and '_', then one known
// extension (html, js, css, svg, png). Nothing else is looked up: no '/', no '..', no dot files,
// no encoded separators (the router has decoded the segment already), and the file's real path
// must lie inside the directory (a symlink out of it is refused). nullopt: no such file.
std::optional<StaticFile> read_static_file(const std::string& dir, const std::string& name);

// The headers every dashboard answer carries: a strict Content-Security-Policy (own scripts,
// styles, images and connections only; no inline script, no framing), nosniff, no referrer.
const char* dashboard_csp();

}  // namespace tenantd
