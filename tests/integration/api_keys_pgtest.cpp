// Tenant API keys over real HTTP against real PostgreSQL: made and shown once, used as
// `Authorization: Bearer tdk_…` with exactly their permissions, refused in any other tenant
// (path, header, Host), refused when revoked, expired, malformed or orphaned (creator removed),
// rotated with a grace period, bounded by the plan, never written to the log, and last_used_at
// recorded without a write per request (flushed at shutdown).
#include <gtest/gtest.h>

#include <memory>

#include "support.hpp"

namespace tenantd::test {
namespace {

TenantdProcess& server() {
  static std::unique_ptr<TenantdProcess> s(new TenantdProcess(
      {{"JWT_HS256_SECRET", kTestSecret}, {"BASE_DOMAIN", "example.test"}, {"USAGE_FLUSH_SECONDS", "300"}}));
  return *s;
}

HttpResponse call(const std::string& method, const std::string& path, Headers h, const std::string& body = "",
                  TenantdProcess* p = nullptr) {
  if (!body.empty()) h["Content-Type"] = "application/json";
  return http_request((p ? p : &server())->port(), method, path, h, body);
}

// A key of `t` made over HTTP by its first member (tenant_admin); the whole 201 body.
rapidjson::Document make_key(const Seed& t, const std::string& permissions_json, TenantdProcess* p = nullptr,
                             const std::string& extra = "") {
  auto r = call("POST", "/v1/api-keys", bearer(mint_token(t.user_ids[0], t.id, "tenant_admin")),
                R"({"name": "ci", "permissions": )" + permissions_json + extra + "}", p);
  EXPECT_EQ(r.status, 201) << r.body;
  return parse(r.body);
}

TEST(ApiKeys, MadeOnceUsedWithExactlyItsPermissionsAndRevoked) {
  const Seed a = seed_tenant("key-a", 2);
  auto k = make_key(a, R"(["members:read"])");
  const std::string key = str(k, "key");
  const std::string id = str(k, "id");
  ASSERT_EQ(key.size(), 55u);
  EXPECT_EQ(key.rfind("tdk_", 0), 0u);
  EXPECT_EQ(str(k, "prefix"), key.substr(0, 12));
  EXPECT_EQ(str(k, "status"), "active");

  // the key reads members (members:read) and nothing it was not given
  auto users = call("GET", "/v1/users", bearer(key));
  ASSERT_EQ(users.status, 200) << users.body;
  EXPECT_NE(users.body.find(a.emails[0]), std::string::npos);
  expect_problem(call("POST", "/v1/users", bearer(key), R"({"email": "x@key-a.example", "role": "member"})"),
                 403, "forbidden");
  expect_problem(call("GET", "/v1/audit-log", bearer(key)), 403, "forbidden");
  // a key never manages keys
  expect_problem(call("GET", "/v1/api-keys", bearer(key)), 403, "forbidden");
  // its own tenant named explicitly is fine
  EXPECT_EQ(call("GET", "/v1/tenants/" + a.slug + "/users", bearer(key)).status, 200);

  // reading it back never shows the key; the list shows the prefix
  const auto admin = bearer(mint_token(a.user_ids[0], a.id, "tenant_admin"));
  auto got = call("GET", "/v1/api-keys/" + id, admin);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body.find(key), std::string::npos);
  EXPECT_EQ(got.body.find("\"key\""), std::string::npos);
  auto list = call("GET", "/v1/api-keys", admin);
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(key.substr(0, 12)), std::string::npos);
  EXPECT_EQ(list.body.find(key), std::string::npos);
  // only its SHA-256 is in the database
  EXPECT_EQ(
      q1("select count(*) from tenantd.api_keys where key_hash = sha256(convert_to('" + key + "', 'UTF8'))"),
      "1");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where details::text like '%" + key + "%'"), "0");

  // revoked: 401 invalid_api_key at once
  auto rev = call("POST", "/v1/api-keys/" + id + "/revoke", admin);
  ASSERT_EQ(rev.status, 200) << rev.body;
  auto refused = call("GET", "/v1/users", bearer(key));
  expect_problem(refused, 401, "invalid_api_key");
  EXPECT_NE(refused.header("www-authenticate").find("invalid_token"), std::string::npos);
  EXPECT_NE(refused.body.find("revoked"), std::string::npos);

  // the key is nowhere in the log
  EXPECT_EQ(server().log().find(key), std::string::npos);
  EXPECT_EQ(server().log().find(key.substr(12)), std::string::npos);
}

// What a key does is audited as the key: no user, role api_key, actor_subject naming the key.
TEST(ApiKeys, ItsActionsAreAuditedAsTheKey) {
  const Seed a = seed_tenant("key-w", 1);
  // every permission of the role it grants (may_grant_role), as a person would need
  auto k = make_key(a, R"(["members:read", "members:write", "config:read", "usage:read"])");
  auto made = call("POST", "/v1/users", bearer(str(k, "key")),
                   R"({"email": "new-person@key-w.example", "role": "member"})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(q1("select coalesce(actor_id::text, 'none') || ' ' || actor_role || ' ' || actor_subject "
               "from tenantd.audit_log where tenant_id = '" +
               a.id + "' and action like 'member.%' order by at desc limit 1"),
            "none api_key api_key:" + str(k, "id"));
  // a member with members:write may not be made tenant_admin by a key: the key lacks api_keys:manage
  auto admin = call("POST", "/v1/users", bearer(str(k, "key")),
                    R"({"email": "new-admin@key-w.example", "role": "tenant_admin"})");
  EXPECT_EQ(admin.status, 403) << admin.body;
}

// The attack: A's key naming tenant B in every way a request can name a tenant.
TEST(ApiKeys, AKeyOfTenantANeverActsInTenantB) {
  const Seed a = seed_tenant("key-x", 1);
  const Seed b = seed_tenant("key-y", 2);
  const std::string key = str(make_key(a, R"(["members:read"])"), "key");
  const std::string b_key_id = str(make_key(b, R"(["members:read"])"), "id");
  std::vector<std::pair<std::string, Headers>> attempts;
  attempts.push_back({"/v1/tenants/" + b.id + "/users", bearer(key)});
  attempts.push_back({"/v1/tenants/" + b.slug + "/users", bearer(key)});
  auto h = bearer(key);
  h["X-Tenant-Id"] = b.id;
  attempts.push_back({"/v1/users", h});
  h["X-Tenant-Id"] = b.slug;
  attempts.push_back({"/v1/users", h});
  auto host = bearer(key);
  host["Host"] = b.slug + ".example.test";
  attempts.push_back({"/v1/users", host});
  for (const auto& [path, headers] : attempts) {
    auto r = call("GET", path, headers);
    expect_problem(r, 403, "tenant_mismatch");
    EXPECT_EQ(r.body.find(b.emails[0]), std::string::npos) << path;
  }
  // B's key id through A's admin is just missing
  expect_problem(
      call("GET", "/v1/api-keys/" + b_key_id, bearer(mint_token(a.user_ids[0], a.id, "tenant_admin"))), 404,
      "api_key_not_found");
  // a key beside a token naming B cannot be combined: one Authorization header, one principal
  EXPECT_EQ(call("GET", "/v1/users", bearer(key)).status, 200);
}

TEST(ApiKeys, MalformedUnknownExpiredAndOrphanedKeysAre401) {
  const Seed a = seed_tenant("key-e", 2);
  for (const std::string& bad : std::vector<std::string>{"tdk_", "tdk_short", "tdk_" + std::string(51, '!'),
                                                         "tdk_" + std::string(60, 'a')}) {
    expect_problem(call("GET", "/v1/users", bearer(bad)), 401, "invalid_api_key");
  }
  expect_problem(call("GET", "/v1/users", bearer("tdk_" + std::string(51, 'a'))), 401, "invalid_api_key");

  auto k = make_key(a, R"(["members:read"])");
  admin_exec("update tenantd.api_keys set expires_at = now() - interval '1 second' where id = '" +
             str(k, "id") + "'");
  auto expired = call("GET", "/v1/users", bearer(str(k, "key")));
  expect_problem(expired, 401, "invalid_api_key");
  EXPECT_NE(expired.body.find("expired"), std::string::npos);

  // made by a member who is later removed: the key stops with them (docs/api/api-keys.md)
  admin_exec("update tenantd.memberships set role = 'tenant_admin' where tenant_id = '" + a.id +
             "' and user_id = '" + a.user_ids[1] + "'");
  auto made = call("POST", "/v1/api-keys", bearer(mint_token(a.user_ids[1], a.id, "tenant_admin")),
                   R"({"name": "leaver", "permissions": ["members:read"]})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string leaver_key = str(parse(made.body), "key");
  EXPECT_EQ(call("GET", "/v1/users", bearer(leaver_key)).status, 200);
  auto removed =
      call("DELETE", "/v1/users/" + a.user_ids[1], bearer(mint_token(a.user_ids[0], a.id, "tenant_admin")));
  ASSERT_EQ(removed.status, 204) << removed.body;
  auto orphan = call("GET", "/v1/users", bearer(leaver_key));
  expect_problem(orphan, 401, "invalid_api_key");
  EXPECT_NE(orphan.body.find("creator"), std::string::npos);
}

TEST(ApiKeys, WhatAKeyMayBeGiven) {
  const Seed a = seed_tenant("key-g", 2);
  const auto admin = bearer(mint_token(a.user_ids[0], a.id, "tenant_admin"));
  expect_problem(call("POST", "/v1/api-keys", admin, R"({"name": "x", "permissions": ["api_keys:manage"]})"),
                 422, "validation_failed");
  expect_problem(call("POST", "/v1/api-keys", admin, R"({"name": "x", "permissions": ["members:fly"]})"), 422,
                 "unknown_permission");
  expect_problem(call("POST", "/v1/api-keys", admin, R"({"name": "x", "permissions": "members:read"})"), 400,
                 "invalid_field_type");
  expect_problem(call("POST", "/v1/api-keys", admin, R"({"name": "x"})"), 400, "missing_field");
  expect_problem(call("POST", "/v1/api-keys", admin,
                      R"({"name": "x", "permissions": ["members:read"], "expires_at": "yesterday"})"),
                 400, "invalid_timestamp");
  expect_problem(
      call("POST", "/v1/api-keys", admin,
           R"({"name": "x", "permissions": ["members:read"], "expires_at": "2001-01-01T00:00:00Z"})"),
      422, "validation_failed");
  // a member has no api_keys:manage
  expect_problem(call("POST", "/v1/api-keys", bearer(mint_token(a.user_ids[1], a.id, "member")),
                      R"({"name": "x", "permissions": ["members:read"]})"),
                 403, "forbidden");
  // with an expiry in the future: kept as given
  auto k = make_key(a, R"(["members:read"])", nullptr, R"(, "expires_at": "2099-01-01T00:00:00Z")");
  EXPECT_EQ(str(k, "expires_at"), "2099-01-01T00:00:00.000Z");
}

TEST(ApiKeys, RotationKeepsTheOldKeyForItsGracePeriod) {
  const Seed a = seed_tenant("key-r", 1);
  const auto admin = bearer(mint_token(a.user_ids[0], a.id, "tenant_admin"));
  auto k = make_key(a, R"(["members:read"])");
  auto rot = call("POST", "/v1/api-keys/" + str(k, "id") + "/rotate", admin, R"({"grace_seconds": 3600})");
  ASSERT_EQ(rot.status, 201) << rot.body;
  auto k2 = parse(rot.body);
  EXPECT_NE(str(k2, "key"), str(k, "key"));
  EXPECT_EQ(call("GET", "/v1/users", bearer(str(k, "key"))).status, 200) << "old key in its grace period";
  EXPECT_EQ(call("GET", "/v1/users", bearer(str(k2, "key"))).status, 200);
  expect_problem(call("POST", "/v1/api-keys/" + str(k, "id") + "/rotate", admin), 409,
                 "api_key_not_rotatable");
  // no grace: the old key stops at once
  auto rot0 = call("POST", "/v1/api-keys/" + str(k2, "id") + "/rotate", admin, R"({"grace_seconds": 0})");
  ASSERT_EQ(rot0.status, 201) << rot0.body;
  expect_problem(call("GET", "/v1/users", bearer(str(k2, "key"))), 401, "invalid_api_key");
  EXPECT_EQ(call("GET", "/v1/users", bearer(str(parse(rot0.body), "key"))).status, 200);
  expect_problem(call("POST", "/v1/api-keys/" + str(k, "id") + "/rotate", admin, R"({"grace_seconds": -1})"),
                 422, "validation_failed");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = '" + a.id +
               "' and action = 'api_key.rotate'"),
            "2");
}

TEST(ApiKeys, CountedAgainstThePlan) {
  const Seed a = seed_tenant("key-q", 1);
  admin_exec("update tenantd.tenants set plan = 'free' where id = '" + a.id + "'");  // 2 keys
  make_key(a, R"(["members:read"])");
  auto second = make_key(a, R"(["members:read"])");
  auto third = call("POST", "/v1/api-keys", bearer(mint_token(a.user_ids[0], a.id, "tenant_admin")),
                    R"({"name": "third", "permissions": ["members:read"]})");
  expect_problem(third, 403, "quota_exceeded");
  EXPECT_NE(third.body.find("\"metric\":\"api_keys\""), std::string::npos) << third.body;
  // a revoked key frees its place
  call("POST", "/v1/api-keys/" + str(second, "id") + "/revoke",
       bearer(mint_token(a.user_ids[0], a.id, "tenant_admin")));
  make_key(a, R"(["members:read"])");
}

// A key's requests draw on its tenant's plan rate limit like a member's (the tenant comes from
// the database: the key names no tenant in the request).
TEST(ApiKeys, RequestsCountAgainstTheTenantsRateLimit) {
  const Seed a = seed_tenant("key-l", 1);
  admin_exec("insert into tenantd.entitlement_overrides (tenant_id, limits) values ('" + a.id +
             "', '{\"api_requests_per_minute\": 3}')");
  const std::string key = str(make_key(a, R"(["members:read"])"), "key");
  for (int i = 0; i < 2; ++i) {  // make_key spent one
    auto r = call("GET", "/v1/users", bearer(key));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("ratelimit-policy"), "\"tenant\";q=3;w=60");
  }
  expect_problem(call("GET", "/v1/users", bearer(key)), 429, "rate_limited");
}

// last_used_at: no write per request; the uses are flushed (here: at shutdown, the periodic
// flush is set to 300 s so that it cannot be what wrote it).
TEST(ApiKeys, LastUsedAtIsFlushedNotWrittenPerRequest) {
  TenantdProcess p({{"JWT_HS256_SECRET", kTestSecret}, {"USAGE_FLUSH_SECONDS", "300"}});
  const Seed a = seed_tenant("key-u", 1);
  auto k = make_key(a, R"(["members:read"])", &p);
  const std::string id = str(k, "id");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(call("GET", "/v1/users", bearer(str(k, "key")), "", &p).status, 200);
  EXPECT_EQ(q1("select last_used_at is null from tenantd.api_keys where id = '" + id + "'"), "t")
      << "a request made with a key wrote last_used_at";
  EXPECT_EQ(p.stop(), 0);
  EXPECT_EQ(
      q1("select last_used_at > now() - interval '1 hour' from tenantd.api_keys where id = '" + id + "'"),
      "t");
  EXPECT_EQ(p.log().find(str(k, "key")), std::string::npos);
}

}  // namespace
}  // namespace tenantd::test
