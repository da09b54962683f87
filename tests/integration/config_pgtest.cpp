// Configuration, onboarding and the audit log over real HTTP against real PostgreSQL: every
// route's success and failure paths, permissions, auto-activation and the cross-tenant matrix.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <thread>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

std::string str(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : "";
}

// Every error answer must be a problem document with a stable code and no internals.

std::string q(const std::string& s) {  // SQL literal for test-made values (uuids, slugs)
  return "'" + s + "'";
}

// One tenantd for the three suites (started on first use, stopped at exit).
TenantdProcess& server() {
  static std::unique_ptr<TenantdProcess> s(new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                                               {"DB_POOL_SIZE", "4"},
                                                               {"HTTP_THREADS", "4"},
                                                               {"BASE_DOMAIN", "example.test"},
                                                               {"ONBOARDING_AUTO_ACTIVATE", "true"}}));
  return *s;
}

HttpResponse call(const std::string& method, const std::string& path,
                  const std::map<std::string, std::string>& h = {}, const std::string& body = "",
                  int port = 0) {
  auto headers = h;
  if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
  return http_request(port ? port : server().port(), method, path, headers, body);
}

class AreaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new Seed(seed_tenant("cfga", 3));
    b_ = new Seed(seed_tenant("cfgb", 3));
    // a tenant-defined role of A holding no permission at all
    admin_exec("insert into tenantd.roles (tenant_id, name) values (" + q(a_->id) + ", 'guest')");
    // B's data that A must never see
    admin_exec("insert into tenantd.tenant_configs (tenant_id, type, key, value) values (" + q(b_->id) +
               ", 'general', 'secret', '\"b-secret-marker\"'), (" + q(b_->id) +
               ", 'features', 'beta', '\"b-flag-marker\"')");
    server();
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
    a_ = b_ = nullptr;
  }
  static std::string admin_a() { return mint_token(a_->user_ids[0], a_->id, "tenant_admin"); }
  static std::string member_a() { return mint_token(a_->user_ids[1], a_->id, "member"); }
  static std::string guest_a() { return mint_token(a_->user_ids[2], a_->id, "guest"); }
  static std::string super_admin() { return mint_token("ops-operator", std::nullopt, "super_admin"); }
  static std::string b_fingerprint() {
    return admin_query(
               "select count(*) || ':' || coalesce(string_agg(key || value::text, ',' order by key), '') "
               "from tenantd.tenant_configs where tenant_id = " +
               q(b_->id))[0][0] +
           admin_query(
               "select count(*) || ':' || count(completed_at) from tenantd.onboarding_steps where tenant_id "
               "= " +
               q(b_->id))[0][0] +
           admin_query("select status from tenantd.tenants where id = " + q(b_->id))[0][0];
  }

  // Token of A aimed at B by path id, path slug, tenant header (id and slug) and Host.
  void expect_cross_tenant_refused(const std::string& method, const std::string& suffix,
                                   const std::string& body) {
    const std::string before = b_fingerprint();
    const auto auth = bearer(admin_a());
    std::vector<std::pair<std::string, std::map<std::string, std::string>>> attempts;
    attempts.push_back({"/v1/tenants/" + b_->id + suffix, auth});
    attempts.push_back({"/v1/tenants/" + b_->slug + suffix, auth});
    auto h = auth;
    h["X-Tenant-Id"] = b_->id;
    attempts.push_back({"/v1" + suffix, h});
    h["X-Tenant-Id"] = b_->slug;
    attempts.push_back({"/v1" + suffix, h});
    auto host = auth;
    host["Host"] = b_->slug + ".example.test";
    attempts.push_back({"/v1" + suffix, host});
    for (auto& [path, headers] : attempts) {
      auto r = call(method, path, headers, body);
      EXPECT_TRUE(r.status == 403 || r.status == 404)
          << method << " " << path << " -> " << r.status << " " << r.body;
      EXPECT_EQ(r.header("content-type"), "application/problem+json") << path;
      EXPECT_EQ(r.body.find("b-secret-marker"), std::string::npos) << path;
      EXPECT_EQ(r.body.find("b-flag-marker"), std::string::npos) << path;
    }
    EXPECT_EQ(b_fingerprint(), before) << method << " " << suffix << " changed B";
  }

  static inline Seed* a_ = nullptr;
  static inline Seed* b_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Configuration

class ConfigTest : public AreaTest {};

TEST_F(ConfigTest, PutCreatesThenUpdatesAndGetReadsBack) {
  auto created = call("PUT", "/v1/config/features/new_dashboard", bearer(admin_a()), R"({"value": true})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/v1/config/features/new_dashboard");
  auto c = parse(created.body);
  EXPECT_EQ(str(c["type"]), "features");
  EXPECT_EQ(str(c["key"]), "new_dashboard");
  EXPECT_TRUE(c["value"].IsBool() && c["value"].GetBool());
  EXPECT_TRUE(c["is_active"].GetBool());
  EXPECT_TRUE(util::is_uuid(str(c["id"])));
  EXPECT_EQ(str(c["created_by"]), a_->user_ids[0]);

  auto updated = call(
      "PUT", "/v1/config/features/new_dashboard", bearer(admin_a()),
      R"({"value": {"rollout": 25, "groups": ["beta", "staff"], "note": "é \u2603"}, "is_active": false})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto u = parse(updated.body);
  EXPECT_EQ(str(u["id"]), str(c["id"]));
  ASSERT_TRUE(u["value"].IsObject()) << updated.body;
  EXPECT_EQ(u["value"]["rollout"].GetInt(), 25);
  EXPECT_EQ(str(u["value"]["note"]), "é \xe2\x98\x83");
  EXPECT_FALSE(u["is_active"].GetBool());

  // is_active left out keeps the stored flag; any JSON value, null included
  auto kept = call("PUT", "/v1/config/features/new_dashboard", bearer(admin_a()), R"({"value": null})");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_TRUE(parse(kept.body)["value"].IsNull());
  EXPECT_FALSE(parse(kept.body)["is_active"].GetBool());
  for (const char* v : {R"("text")", "42", "-1.5", "[]", "[1,[2,[3]]]", "{}"}) {
    auto r = call("PUT", "/v1/config/general/any_value", bearer(admin_a()),
                  std::string(R"({"value": )") + v + "}");
    EXPECT_TRUE(r.status == 200 || r.status == 201) << v << " " << r.body;
  }

  auto one_type = call("GET", "/v1/config/features", bearer(admin_a()));
  ASSERT_EQ(one_type.status, 200) << one_type.body;
  auto t = parse(one_type.body);
  EXPECT_EQ(str(t["type"]), "features");
  ASSERT_TRUE(t["data"].IsArray());
  bool found = false;
  for (const auto& e : t["data"].GetArray()) found = found || str(e["key"]) == "new_dashboard";
  EXPECT_TRUE(found) << one_type.body;

  auto all = call("GET", "/v1/config", bearer(admin_a()));
  ASSERT_EQ(all.status, 200) << all.body;
  auto a = parse(all.body);
  for (const char* type : {"general", "auth", "billing", "features", "integrations"}) {
    ASSERT_TRUE(a.HasMember(type) && a[type].IsArray()) << type << " " << all.body;
  }
  EXPECT_GE(a["features"].Size(), 1u) << all.body;
  EXPECT_GE(a["general"].Size(), 1u) << all.body;
  EXPECT_EQ(a["auth"].Size(), 0u) << "A never writes auth configuration";
  EXPECT_EQ(all.body.find("b-secret-marker"), std::string::npos);

  // the explicit spelling answers the same
  auto explicit_path = call("GET", "/v1/tenants/" + a_->slug + "/config/features", bearer(admin_a()));
  EXPECT_EQ(explicit_path.status, 200) << explicit_path.body;
}

TEST_F(ConfigTest, WritesAreAuditedWithTheRequestId) {
  auto r = call("PUT", "/v1/config/integrations/slack.webhook", bearer(admin_a()),
                R"({"value": {"url": "https://hooks.example/secret-token-123"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto rows = admin_query(
      "select action, target_type, actor_id, actor_role, request_id, details::text "
      "from tenantd.audit_log where tenant_id = " +
      q(a_->id) + " and target_id = 'integrations/slack.webhook'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "config.created");
  EXPECT_EQ(rows[0][1], "config");
  EXPECT_EQ(rows[0][2], a_->user_ids[0]);
  EXPECT_EQ(rows[0][3], "tenant_admin");
  EXPECT_EQ(rows[0][4], r.header("x-request-id"));
  EXPECT_EQ(rows[0][5].find("secret-token-123"), std::string::npos)
      << "the value must not be copied into the audit log";

  auto d = call("DELETE", "/v1/config/integrations/slack.webhook", bearer(admin_a()));
  EXPECT_EQ(d.status, 204) << d.body;
  EXPECT_TRUE(d.body.empty());
  EXPECT_EQ(admin_query("select count(*) from tenantd.audit_log where tenant_id = " + q(a_->id) +
                        " and action = 'config.deleted' and target_id = 'integrations/slack.webhook'")[0][0],
            "1");
  expect_problem(call("DELETE", "/v1/config/integrations/slack.webhook", bearer(admin_a())), 404,
                 "config_not_found");
  EXPECT_EQ(admin_query("select count(*) from tenantd.tenant_configs where tenant_id = " + q(a_->id) +
                        " and key = 'slack.webhook'")[0][0],
            "0");
}

TEST_F(ConfigTest, BadInputIsRefusedWithSpecificCodes) {
  const auto h = bearer(admin_a());
  expect_problem(call("PUT", "/v1/config/secrets/x", h, R"({"value": 1})"), 400, "invalid_config_type");
  expect_problem(call("GET", "/v1/config/secrets", h), 400, "invalid_config_type");
  expect_problem(call("DELETE", "/v1/config/Features/x", h), 400, "invalid_config_type");
  expect_problem(call("PUT", "/v1/config/general/Upper", h, R"({"value": 1})"), 400, "invalid_config_key");
  expect_problem(call("PUT", "/v1/config/general/" + std::string(129, 'k'), h, R"({"value": 1})"), 400,
                 "invalid_config_key");
  expect_problem(call("PUT", "/v1/config/general/sp%20ace", h, R"({"value": 1})"), 400, "invalid_config_key");
  expect_problem(call("DELETE", "/v1/config/general/a+b", h), 400, "invalid_config_key");
  auto max_key = call("PUT", "/v1/config/general/" + std::string(128, 'k'), h, R"({"value": 1})");
  EXPECT_EQ(max_key.status, 201) << max_key.body;

  // 64 KiB of JSON text: a string of 65,534 characters plus its quotes is the largest value
  auto at_limit =
      call("PUT", "/v1/config/general/big", h, "{\"value\": \"" + std::string(65534, 'v') + "\"}");
  EXPECT_EQ(at_limit.status, 201) << at_limit.body.substr(0, 300);
  expect_problem(call("PUT", "/v1/config/general/big", h, "{\"value\": \"" + std::string(65535, 'v') + "\"}"),
                 422, "config_value_too_large");
  expect_problem(
      call("PUT", "/v1/config/general/bigger", h, "{\"value\": [\"" + std::string(200000, 'v') + "\"]}"), 422,
      "config_value_too_large");

  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"is_active": true})"), 400, "missing_field");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"value": 1, "colour": "red"})"), 400,
                 "unknown_field");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"value": 1, "is_active": "yes"})"), 400,
                 "invalid_field_type");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"value": 1, "is_active": null})"), 400,
                 "invalid_field_type");
  expect_problem(call("PUT", "/v1/config/general/x", h), 400, "body_required");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"value": )"), 400, "malformed_json");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"([1])"), 400, "malformed_json");
  expect_problem(call("PUT", "/v1/config/general/x", h, R"({"value": "nul\u0000byte"})"), 400,
                 "malformed_json");
  auto text = h;
  text["Content-Type"] = "text/plain";
  expect_problem(call("PUT", "/v1/config/general/x", text, R"({"value": 1})"), 415, "unsupported_media_type");
  expect_problem(call("POST", "/v1/config/general/x", h, R"({"value": 1})"), 405, "method_not_allowed");
  expect_problem(call("GET", "/v1/config"), 401, "unauthenticated");
  EXPECT_EQ(admin_query("select count(*) from tenantd.tenant_configs where tenant_id = " + q(a_->id) +
                        " and key in ('x', 'bigger')")[0][0],
            "0");
}

TEST_F(ConfigTest, PermissionsFollowHasPermission) {
  ASSERT_EQ(call("PUT", "/v1/config/general/locale", bearer(admin_a()), R"({"value": "en"})").status / 100,
            2);
  ASSERT_EQ(
      call("PUT", "/v1/config/features/dark_mode", bearer(admin_a()), R"({"value": true})").status / 100, 2);

  // member: config:read, not config:write
  expect_problem(call("PUT", "/v1/config/general/locale", bearer(member_a()), R"({"value": "fr"})"), 403,
                 "forbidden");
  expect_problem(call("DELETE", "/v1/config/general/locale", bearer(member_a())), 403, "forbidden");
  auto member_read = call("GET", "/v1/config/general", bearer(member_a()));
  ASSERT_EQ(member_read.status, 200) << member_read.body;
  EXPECT_NE(member_read.body.find("\"locale\""), std::string::npos);

  // a role without config:read reads the feature flags and nothing else
  auto guest_all = call("GET", "/v1/config", bearer(guest_a()));
  ASSERT_EQ(guest_all.status, 200) << guest_all.body;
  auto g = parse(guest_all.body);
  EXPECT_GE(g["features"].Size(), 1u) << guest_all.body;
  EXPECT_EQ(g["general"].Size(), 0u) << guest_all.body;
  EXPECT_EQ(call("GET", "/v1/config/features", bearer(guest_a())).status, 200);
  expect_problem(call("GET", "/v1/config/general", bearer(guest_a())), 403, "forbidden");
  expect_problem(call("PUT", "/v1/config/features/dark_mode", bearer(guest_a()), R"({"value": false})"), 403,
                 "forbidden");
  EXPECT_EQ(admin_query("select value::text from tenantd.tenant_configs where tenant_id = " + q(a_->id) +
                        " and key = 'locale'")[0][0],
            "\"en\"");

  // a super admin acting in A by naming it; audited with the role super_admin
  auto sa = call("PUT", "/v1/tenants/" + a_->id + "/config/billing/plan_note", bearer(super_admin()),
                 R"({"value": "comped"})");
  ASSERT_EQ(sa.status, 201) << sa.body;
  EXPECT_EQ(admin_query("select actor_role from tenantd.audit_log where tenant_id = " + q(a_->id) +
                        " and action = 'config.created' and target_id = 'billing/plan_note'")[0][0],
            "super_admin");
  expect_problem(call("PUT", "/v1/config/billing/plan_note", bearer(super_admin()), R"({"value": 1})"), 403,
                 "tenant_required");
}

TEST_F(ConfigTest, CrossTenantMatrix) {
  expect_cross_tenant_refused("GET", "/config", "");
  expect_cross_tenant_refused("GET", "/config/general", "");
  expect_cross_tenant_refused("GET", "/config/features", "");
  expect_cross_tenant_refused("PUT", "/config/general/secret", R"({"value": "overwritten"})");
  expect_cross_tenant_refused("PUT", "/config/general/intruder", R"({"value": "planted"})");
  expect_cross_tenant_refused("DELETE", "/config/general/secret", "");
  expect_cross_tenant_refused("DELETE", "/config/features/beta", "");
}

// ---------------------------------------------------------------------------------------------
// Onboarding

class OnboardingTest : public AreaTest {
 protected:
  static Seed pending_tenant(const std::string& prefix) {
    Seed s = seed_tenant(prefix, 2);
    admin_exec("update tenantd.tenants set status = 'pending' where id = " + q(s.id));
    return s;
  }
  static std::string status_of(const Seed& s) {
    return admin_query("select status from tenantd.tenants where id = " + q(s.id))[0][0];
  }
  static std::string admin_of(const Seed& s) { return mint_token(s.user_ids[0], s.id, "tenant_admin"); }
};

TEST_F(OnboardingTest, NewTenantsGetTheDefaultSteps) {
  auto r = call("GET", "/v1/onboarding", bearer(member_a()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d["steps"].IsArray());
  ASSERT_EQ(d["steps"].Size(), 4u) << r.body;
  int last = -1, required = 0;
  for (const auto& s : d["steps"].GetArray()) {
    EXPECT_FALSE(str(s["key"]).empty());
    EXPECT_FALSE(str(s["title"]).empty());
    EXPECT_GT(s["position"].GetInt(), last) << "steps are ordered by position";
    last = s["position"].GetInt();
    required += s["required"].GetBool() ? 1 : 0;
    EXPECT_TRUE(s.HasMember("completed_at"));
  }
  EXPECT_EQ(required, 2);
  EXPECT_EQ(d["progress_percent"].GetInt(), 0);
  EXPECT_FALSE(d["completed"].GetBool());
  EXPECT_EQ(call("GET", "/v1/tenants/" + a_->id + "/onboarding", bearer(guest_a())).status, 200);
}

TEST_F(OnboardingTest, CompletingTheLastRequiredStepActivatesInTheSameTransaction) {
  Seed t = pending_tenant("onba");
  auto first = call("POST", "/v1/onboarding/steps/profile/complete", bearer(admin_of(t)));
  ASSERT_EQ(first.status, 200) << first.body;
  auto f = parse(first.body);
  EXPECT_EQ(str(f["step"]["key"]), "profile");
  EXPECT_FALSE(str(f["step"]["completed_at"]).empty());
  EXPECT_EQ(f["progress_percent"].GetInt(), 50);
  EXPECT_FALSE(f["completed"].GetBool());
  EXPECT_FALSE(f["tenant_activated"].GetBool());
  EXPECT_EQ(status_of(t), "pending");

  // idempotent: the first completed_at stays
  auto again = call("POST", "/v1/onboarding/steps/profile/complete", bearer(admin_of(t)));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(parse(again.body)["step"]["completed_at"]), str(f["step"]["completed_at"]));

  auto optional = call("POST", "/v1/tenants/" + t.slug + "/onboarding/steps/configure_settings/complete",
                       bearer(admin_of(t)));
  ASSERT_EQ(optional.status, 200) << optional.body;
  EXPECT_EQ(parse(optional.body)["progress_percent"].GetInt(), 50) << "optional steps do not count";

  auto last = call("POST", "/v1/onboarding/steps/invite_members/complete", bearer(admin_of(t)));
  ASSERT_EQ(last.status, 200) << last.body;
  auto l = parse(last.body);
  EXPECT_EQ(l["progress_percent"].GetInt(), 100);
  EXPECT_TRUE(l["completed"].GetBool());
  EXPECT_TRUE(l["tenant_activated"].GetBool());
  EXPECT_EQ(status_of(t), "active");
  auto audit = admin_query(
      "select actor_id, actor_role, request_id, details->>'from' from tenantd.audit_log "
      "where tenant_id = " +
      q(t.id) + " and action = 'tenant.activated'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0][0], t.user_ids[0]);
  EXPECT_EQ(audit[0][1], "tenant_admin");
  EXPECT_EQ(audit[0][2], last.header("x-request-id")) << "activation is part of the completing request";
  EXPECT_EQ(audit[0][3], "pending");
  EXPECT_EQ(admin_query("select count(*) from tenantd.audit_log where tenant_id = " + q(t.id) +
                        " and action = 'onboarding.step_completed'")[0][0],
            "3");

  auto view = parse(call("GET", "/v1/onboarding", bearer(admin_of(t))).body);
  EXPECT_TRUE(view["completed"].GetBool());
  EXPECT_EQ(view["progress_percent"].GetInt(), 100);
}

TEST_F(OnboardingTest, SuspendedTenantsAreNotReactivated) {
  Seed t = pending_tenant("onbs");
  ASSERT_EQ(call("POST", "/v1/onboarding/steps/profile/complete", bearer(admin_of(t))).status, 200);
  admin_exec("update tenantd.tenants set status = 'suspended', suspended_at = now() where id = " + q(t.id));
  // A suspended tenant's requests may be refused outright (tenant_suspended); either way it
  // must not become active.
  auto r = call("POST", "/v1/onboarding/steps/invite_members/complete", bearer(admin_of(t)));
  EXPECT_TRUE(r.status == 200 || r.status == 403) << r.body;
  if (r.status == 200) {
    EXPECT_FALSE(parse(r.body)["tenant_activated"].GetBool());
  }
  EXPECT_EQ(status_of(t), "suspended");
}

TEST_F(OnboardingTest, ConcurrentLastStepsActivateExactlyOnce) {
  Seed t = pending_tenant("onbc");
  HttpResponse r1, r2;
  std::thread th1([&] { r1 = call("POST", "/v1/onboarding/steps/profile/complete", bearer(admin_of(t))); });
  std::thread th2(
      [&] { r2 = call("POST", "/v1/onboarding/steps/invite_members/complete", bearer(admin_of(t))); });
  th1.join();
  th2.join();
  ASSERT_EQ(r1.status, 200) << r1.body;
  ASSERT_EQ(r2.status, 200) << r2.body;
  EXPECT_NE(parse(r1.body)["tenant_activated"].GetBool(), parse(r2.body)["tenant_activated"].GetBool())
      << r1.body << " / " << r2.body;
  EXPECT_EQ(status_of(t), "active");
  EXPECT_EQ(admin_query("select count(*) from tenantd.audit_log where tenant_id = " + q(t.id) +
                        " and action = 'tenant.activated'")[0][0],
            "1");
}

TEST_F(OnboardingTest, AutoActivationOffLeavesTheTenantPending) {
  TenantdProcess off({{"JWT_HS256_SECRET", kTestSecret},
                      {"DB_POOL_SIZE", "2"},
                      {"HTTP_THREADS", "2"},
                      {"ONBOARDING_AUTO_ACTIVATE", "false"}});
  Seed t = pending_tenant("onbo");
  ASSERT_EQ(call("POST", "/v1/onboarding/steps/profile/complete", bearer(admin_of(t)), "", off.port()).status,
            200);
  auto last =
      call("POST", "/v1/onboarding/steps/invite_members/complete", bearer(admin_of(t)), "", off.port());
  ASSERT_EQ(last.status, 200) << last.body;
  auto l = parse(last.body);
  EXPECT_TRUE(l["completed"].GetBool());
  EXPECT_FALSE(l["tenant_activated"].GetBool());
  EXPECT_EQ(status_of(t), "pending");
  EXPECT_EQ(admin_query("select count(*) from tenantd.audit_log where tenant_id = " + q(t.id) +
                        " and action = 'tenant.activated'")[0][0],
            "0");
}

TEST_F(OnboardingTest, FailurePaths) {
  expect_problem(call("POST", "/v1/onboarding/steps/no_such_step/complete", bearer(admin_a())), 404,
                 "onboarding_step_not_found");
  expect_problem(call("POST", "/v1/onboarding/steps/profile/complete", bearer(member_a())), 403, "forbidden");
  expect_problem(call("POST", "/v1/onboarding/steps/profile/complete", bearer(guest_a())), 403, "forbidden");
  expect_problem(call("GET", "/v1/onboarding/steps/profile/complete", bearer(admin_a())), 405,
                 "method_not_allowed");
  expect_problem(call("POST", "/v1/onboarding/steps/profile/complete", {}), 401, "unauthenticated");
  expect_problem(call("GET", "/v1/onboarding", bearer(super_admin())), 403, "tenant_required");
  EXPECT_EQ(admin_query("select count(completed_at) from tenantd.onboarding_steps where tenant_id = " +
                        q(a_->id) + " and key = 'profile'")[0][0],
            "0");
}

TEST_F(OnboardingTest, CrossTenantMatrix) {
  expect_cross_tenant_refused("GET", "/onboarding", "");
  expect_cross_tenant_refused("POST", "/onboarding/steps/profile/complete", "");
  expect_cross_tenant_refused("POST", "/onboarding/steps/invite_members/complete", "");
}

// ---------------------------------------------------------------------------------------------
// Audit log

class AuditLogTest : public AreaTest {};

TEST_F(AuditLogTest, ListsNewestFirstWithFiltersAndStablePages) {
  // five rows of our own, at known times; the rest of A's log is newer (written now)
  const std::string actor = a_->user_ids[1];
  admin_exec(
      "insert into tenantd.audit_log (tenant_id, at, actor_id, actor_role, action, target_type, target_id, "
      "details) "
      "select " +
      q(a_->id) + ", timestamptz '2020-01-01T00:00:00Z' + n * interval '1 hour', " + q(actor) +
      ", 'member', 'test.event', 'widget', 'w' || n, jsonb_build_object('n', n) from generate_series(1, 5) "
      "n");
  admin_exec("insert into tenantd.audit_log (tenant_id, at, action, target_type, target_id) values (" +
             q(b_->id) + ", '2020-01-01T03:00:00Z', 'test.event', 'widget', 'b-widget-marker')");

  const auto h = bearer(admin_a());
  auto r = call("GET", "/v1/audit-log?action=test.event&limit=2", h);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_EQ(d["data"].Size(), 2u) << r.body;
  EXPECT_EQ(str(d["data"][0]["target_id"]), "w5");
  EXPECT_EQ(str(d["data"][1]["target_id"]), "w4");
  const auto& row = d["data"][0];
  EXPECT_EQ(str(row["actor_id"]), actor);
  EXPECT_EQ(str(row["actor_role"]), "member");
  EXPECT_EQ(str(row["action"]), "test.event");
  EXPECT_EQ(str(row["target_type"]), "widget");
  EXPECT_EQ(row["details"]["n"].GetInt(), 5);
  EXPECT_EQ(str(row["at"]), "2020-01-01T05:00:00.000Z");
  EXPECT_TRUE(row.HasMember("request_id") && row.HasMember("id"));
  ASSERT_TRUE(d["next_cursor"].IsString());

  // a row appended between pages neither repeats nor shifts the next page
  admin_exec("insert into tenantd.audit_log (tenant_id, action, target_type, target_id) values (" +
             q(a_->id) + ", 'test.event', 'widget', 'w-late')");
  std::vector<std::string> seen;
  std::string cursor = str(d["next_cursor"]);
  while (!cursor.empty()) {
    auto p = call("GET", "/v1/audit-log?action=test.event&limit=2&cursor=" + cursor, h);
    ASSERT_EQ(p.status, 200) << p.body;
    auto pd = parse(p.body);
    for (const auto& e : pd["data"].GetArray()) seen.push_back(str(e["target_id"]));
    cursor = pd["next_cursor"].IsString() ? str(pd["next_cursor"]) : "";
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"w3", "w2", "w1"}));

  auto by_actor = parse(call("GET", "/v1/audit-log?actor=" + actor + "&limit=200", h).body);
  EXPECT_EQ(by_actor["data"].Size(), 5u);
  auto by_target = parse(call("GET", "/v1/audit-log?target=w2", h).body);
  ASSERT_EQ(by_target["data"].Size(), 1u);
  EXPECT_EQ(parse(call("GET", "/v1/audit-log?target=w2&target_type=tenant", h).body)["data"].Size(), 0u);
  auto range = parse(
      call("GET", "/v1/audit-log?action=test.event&from=2020-01-01T02:00:00Z&to=2020-01-01T04:00:00Z", h)
          .body);
  ASSERT_EQ(range["data"].Size(), 2u) << "from inclusive, to exclusive";
  EXPECT_EQ(str(range["data"][0]["target_id"]), "w3");
  auto all = call("GET", "/v1/audit-log?limit=200", h);
  EXPECT_EQ(all.body.find("b-widget-marker"), std::string::npos);
}

TEST_F(AuditLogTest, SuperAdminsAppearWithTheirRole) {
  ASSERT_EQ(call("PUT", "/v1/tenants/" + a_->slug + "/config/general/sa_note", bearer(super_admin()),
                 R"({"value": 1})")
                    .status /
                100,
            2);
  auto r = call("GET", "/v1/audit-log?target=general/sa_note", bearer(admin_a()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  ASSERT_EQ(d["data"].Size(), 1u) << r.body;
  EXPECT_EQ(str(d["data"][0]["actor_role"]), "super_admin");
  EXPECT_EQ(str(d["data"][0]["action"]), "config.created");
  auto access = parse(call("GET", "/v1/tenants/" + a_->id + "/audit-log?action=super_admin.access&limit=1",
                           bearer(super_admin()))
                          .body);
  ASSERT_EQ(access["data"].Size(), 1u);
  EXPECT_EQ(str(access["data"][0]["actor_role"]), "super_admin");
}

TEST_F(AuditLogTest, FailurePaths) {
  const auto h = bearer(admin_a());
  expect_problem(call("GET", "/v1/audit-log", bearer(member_a())), 403, "forbidden");
  expect_problem(call("GET", "/v1/audit-log", bearer(guest_a())), 403, "forbidden");
  expect_problem(call("GET", "/v1/audit-log?from=yesterday", h), 400, "invalid_timestamp");
  expect_problem(call("GET", "/v1/audit-log?to=2024-02-30T00:00:00Z", h), 400, "invalid_timestamp");
  expect_problem(call("GET", "/v1/audit-log?from=2024-01-01", h), 400, "invalid_timestamp");
  expect_problem(call("GET", "/v1/audit-log?from=2024-01-01T00:00:00", h), 400, "invalid_timestamp");
  expect_problem(call("GET", "/v1/audit-log?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z", h), 400,
                 "invalid_time_range");
  expect_problem(call("GET", "/v1/audit-log?actor=not-a-uuid", h), 400, "invalid_filter");
  expect_problem(call("GET", "/v1/audit-log?action=" + std::string(201, 'a'), h), 400, "invalid_filter");
  expect_problem(call("GET", "/v1/audit-log?limit=0", h), 400, "invalid_limit");
  expect_problem(call("GET", "/v1/audit-log?limit=201", h), 400, "invalid_limit");
  expect_problem(call("GET", "/v1/audit-log?cursor=%%%", h), 400, "invalid_query");
  expect_problem(call("GET", "/v1/audit-log?cursor=AAAA", h), 400, "invalid_cursor");
  // well-formed base64url of "garbage|<uuid>"
  expect_problem(
      call("GET", "/v1/audit-log?cursor=Z2FyYmFnZXxhYWFhYWFhYS0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDE", h), 400,
      "invalid_cursor");
  expect_problem(call("POST", "/v1/audit-log", h, "{}"), 405, "method_not_allowed");
  expect_problem(call("GET", "/v1/audit-log"), 401, "unauthenticated");
  expect_problem(call("GET", "/v1/audit-log", bearer(super_admin())), 403, "tenant_required");
}

TEST_F(AuditLogTest, TheAppRoleCannotRewriteHistory) {
  const std::string app = url_for("tenantd", "tenantd_app");
  for (const char* sql : {"update tenantd.audit_log set action = 'rewritten'",
                          "delete from tenantd.audit_log", "truncate tenantd.audit_log"}) {
    EXPECT_THROW(admin_exec(std::string("begin; select set_config('app.tenant_id', ") + q(a_->id) +
                                ", true), set_config('app.role', 'tenant_admin', true); " + sql + "; commit;",
                            app),
                 std::exception)
        << sql;
  }
}

TEST_F(AuditLogTest, CrossTenantMatrix) {
  admin_exec("insert into tenantd.audit_log (tenant_id, action, target_id) values (" + q(b_->id) +
             ", 'b.only', 'b-secret-marker')");
  expect_cross_tenant_refused("GET", "/audit-log", "");
  expect_cross_tenant_refused("GET", "/audit-log?action=b.only", "");
}

}  // namespace
}  // namespace tenantd::test
