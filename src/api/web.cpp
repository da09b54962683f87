// GET /admin, GET /admin/{file}, GET /signup/status/{id}: the dashboard (docs/dashboard.md) and
// the public sign-up status page, plain files from WEB_DIR; everything they show comes from the
// JSON API and the event streams, with the operator's own token. These routes touch no
// database: they answer by themselves (docs/architecture.md, routes without an api.* call).
#include "api/web.hpp"

#include <mutex>

#include "http/problem.hpp"
#include "http/static_files.hpp"
#include "util/config.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::web {
namespace {

const std::string& web_dir(const RequestContext& ctx) {
  static std::once_flag once;
  static std::string dir;
  std::call_once(once, [&] { dir = resolve_web_dir(ctx.svc.config.web_dir); });
  return dir;
}

Response file_response(const RequestContext& ctx, const std::string& name) {
  auto f = read_static_file(web_dir(ctx), name);
  if (!f) throw ApiError("not_found", "no such file");
  Response res(200, std::move(f->body));
  res.content_type = f->content_type;
  res.headers["Content-Security-Policy"] = dashboard_csp();
  res.headers["X-Content-Type-Options"] = "nosniff";
  res.headers["Referrer-Policy"] = "no-referrer";
  res.headers["X-Frame-Options"] = "DENY";
  // revalidated on every load: a new binary's files are seen at once
  res.headers["Cache-Control"] = "no-cache";
  return res;
}

}  // namespace

Response dashboard(RequestContext& ctx) {
  return file_response(ctx, "index.html");
}

Response asset(RequestContext& ctx) {
  return file_response(ctx, *ctx.param("file"));
}

Response signup_status_page(RequestContext& ctx) {
  // the page reads the id from its own address; an id that cannot be a tenant's is no page
  if (!util::is_uuid(*ctx.param("id"))) throw ApiError("not_found", "no such sign-up");
  return file_response(ctx, "signup-status.html");
}

}  // namespace tenantd::api::web
