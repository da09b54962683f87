// The dashboard in a real browser (tests/browser/dashboard.mjs: Debian's chromium driven by
// puppeteer-core) against a real tenantd and PostgreSQL: sign in; filter, sort and page the
// tenants list; watch a sign-up made through the API turn active on its status page and in the
// list without a reload; suspend a tenant from its page and see the API refuse it; retry a failed
// job from the jobs view; keyboard
// navigation and an accessible name on every control. Screenshots of each step go to
// var/artifacts/browser (ARTIFACTS_DIR overrides).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

TEST(DashboardBrowserTest, OperatorWorkflowsInHeadlessChromium) {
  const std::string tag = util::new_uuid().substr(0, 8);
  // No workers in the server: the browser script starts one when it wants the sign-up provisioned,
  // after it has seen the sign-up pending.
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"WORKERS", "0"},
                         {"SIGNUP_RATE_PER_MINUTE", "1000000"},
                         {"LOG_LEVEL", "warn"}});
  // 12 tenants named "Brw <tag> 01".."12"; 3 of them on pro
  constexpr int kSeeded = 12;
  std::vector<Seed> seeds;
  for (int i = 1; i <= kSeeded; ++i) {
    seeds.push_back(seed_tenant("brw" + tag, 1));
    char name[64];
    std::snprintf(name, sizeof name, "Brw %s %02d", tag.c_str(), i);
    admin_exec("update tenantd.tenants set name = '" + std::string(name) + "', plan = '" +
               (i % 4 == 0 ? "pro" : "enterprise") + "' where id = '" + seeds.back().id + "'");
  }
  const Seed& victim = seeds[4];
  const std::string job_kind = "browser.test" + tag;
  const std::string failed_job = q1("insert into tenantd.jobs (kind, state, attempts, last_error) values ('" +
                                    job_kind + "', 'failed', 5, 'boom') returning id");
  const std::string artifacts = env_or("ARTIFACTS_DIR", source_dir() + "/var/artifacts/browser");
  std::filesystem::create_directories(artifacts);

  std::map<std::string, std::string> env{
      {"BASE_URL", "http://127.0.0.1:" + std::to_string(server.port())},
      {"OPERATOR_TOKEN", mint_token("browser-ops-" + tag, std::nullopt, "super_admin", 3600)},
      {"TAG", tag},
      {"SEEDED", std::to_string(kSeeded)},
      {"PRO_COUNT", "3"},
      {"SUSPEND_ID", victim.id},
      {"SUSPEND_NAME", "Brw " + tag + " 05"},
      {"MEMBER_TOKEN", mint_token(victim.user_ids[0], victim.id, "tenant_admin", 3600)},
      {"TENANTD_BINARY", tenantd_binary()},
      {"WORKER_DATABASE_URL", worker_url()},
      {"DATABASE_URL", app_url()},
      {"JWT_HS256_SECRET", kTestSecret},
      {"ARTIFACTS_DIR", artifacts},
      {"FAILED_JOB_ID", failed_job},
      {"FAILED_JOB_KIND", job_kind}};
  if (const char* doc = std::getenv("DOC_SCREENSHOT")) env["DOC_SCREENSHOT"] = doc;
  const CommandResult r =
      run_command({"/usr/bin/env", "node", source_dir() + "/tests/browser/dashboard.mjs"}, env);
  std::printf("%s", r.output.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  admin_exec("delete from tenantd.jobs where kind = '" + job_kind + "'");
  // every step ran (a script that stopped early without an error would not pass)
  for (const char* step : {"ok sign in", "ok filter by search and plan", "ok a sign-up made through the API",
                           "ok suspend from the tenant page", "ok retry a failed job",
                           "ok keyboard navigation", "ok eight more page loads", "ok no script error"}) {
    EXPECT_NE(r.output.find(step), std::string::npos) << "missing step: " << step;
  }
  for (const char* shot : {"02-signed-in", "04-second-page", "06-signup-active", "07-list-live-active",
                           "08-suspended", "10-job-retried"}) {
    EXPECT_TRUE(std::filesystem::exists(artifacts + "/" + shot + ".png")) << shot;
  }
}

}  // namespace
}  // namespace tenantd::test
