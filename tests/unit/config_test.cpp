#include "util/config.hpp"

#include <gtest/gtest.h>

#include "util/uuid.hpp"

namespace tenantd {
namespace {

using Env = std::map<std::string, std::string>;

TEST(Config, DefaultsAndOverrides) {
  Env env{{"HTTP_THREADS", "8"},
          {"DB_POOL_SIZE", "16"},
          {"LISTEN_ADDR", "0.0.0.0:9000"},
          {"TENANT_SUBDOMAIN_ENABLED", "false"},
          {"BASE_DOMAIN", "Example.COM"}};
  auto c = util::load_config(&env);
  EXPECT_EQ(c.http_threads, 8);
  EXPECT_EQ(c.db_pool_size, 16);
  EXPECT_EQ(c.listen_addr, "0.0.0.0:9000");
  EXPECT_FALSE(c.tenant_subdomain_enabled);
  EXPECT_EQ(c.base_domain, "example.com");
  EXPECT_EQ(c.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(c.tenant_header_name, "X-Tenant-Id");
}

TEST(Config, CustomDomainSettings) {
  Env none;
  const auto d = util::load_config(&none);
  EXPECT_TRUE(d.api_hostnames.empty());
  Env own{{"API_HOSTNAMES", " API.Example.com., ,tenantd.default.svc.cluster.local "}};
  EXPECT_EQ(util::load_config(&own).api_hostnames,
            (std::vector<std::string>{"api.example.com", "tenantd.default.svc.cluster.local"}));
  EXPECT_EQ(d.domain_poll_interval_seconds, 300);  // 5 minutes
  EXPECT_EQ(d.domain_poll_attempts, 288);          // 24 hours of polls
  EXPECT_EQ(d.domain_claim_ttl_days, 7);
  EXPECT_EQ(d.domain_recheck_interval_seconds, 86400);
  EXPECT_EQ(d.dns_server, "");  // the system's resolver
  Env env{{"DOMAIN_POLL_INTERVAL", "2s"},
          {"DOMAIN_RECHECK_INTERVAL", "1h"},
          {"DOMAIN_POLL_ATTEMPTS", "3"},
          {"DNS_SERVER", "127.0.0.1:5353"},
          {"DOMAIN_CNAME_TARGET", "Edge.CDN.test."},
          {"IDEMPOTENCY_TTL", "24h"}};
  const auto c = util::load_config(&env);
  EXPECT_EQ(c.domain_poll_interval_seconds, 2);
  EXPECT_EQ(c.domain_recheck_interval_seconds, 3600);
  EXPECT_EQ(c.domain_poll_attempts, 3);
  EXPECT_EQ(c.dns_server, "127.0.0.1:5353");
  EXPECT_EQ(c.domain_cname_target, "edge.cdn.test");
  EXPECT_EQ(c.idempotency_ttl_seconds, 86400);
}

TEST(Config, ExportSettings) {
  Env none;
  const auto d = util::load_config(&none);
  EXPECT_EQ(d.export_dir, "var/exports");  // under the working directory
  EXPECT_EQ(d.export_link_ttl_seconds, 900);
  Env empty{{"EXPORT_DIR", ""}};  // empty is unset, as for every variable
  EXPECT_EQ(util::load_config(&empty).export_dir, "var/exports");
  Env own{{"EXPORT_DIR", "/srv/exports"}, {"EXPORT_LINK_TTL_SECONDS", "60"}};
  const auto c = util::load_config(&own);
  EXPECT_EQ(c.export_dir, "/srv/exports");
  EXPECT_EQ(c.export_link_ttl_seconds, 60);
  for (const Env& bad : std::vector<Env>{{{"EXPORT_LINK_TTL_SECONDS", "0"}},
                                         {{"EXPORT_LINK_TTL_SECONDS", "604801"}},
                                         {{"EXPORT_LINK_TTL_SECONDS", "15m"}}}) {
    EXPECT_THROW(util::load_config(&bad), util::ConfigError) << bad.begin()->first;
  }
}

TEST(Config, PreparedStatementsAreOnUnlessSwitchedOffForAPooler) {
  Env none;
  EXPECT_TRUE(util::load_config(&none).db_prepared_statements);
  Env off{{"DB_PREPARED_STATEMENTS", "false"}};
  EXPECT_FALSE(util::load_config(&off).db_prepared_statements);
}

TEST(Config, MalformedValuesStopStartUpNamingTheVariable) {
  const std::vector<Env> bad = {
      {{"HTTP_THREADS", "many"}},
      {{"HTTP_THREADS", "0"}},
      {{"DB_POOL_SIZE", "-1"}},
      {{"DB_POOL_SIZE", "4x"}},
      {{"LISTEN_ADDR", "8080"}},
      {{"LISTEN_ADDR", "host:port"}},
      {{"TENANT_SUBDOMAIN_ENABLED", "maybe"}},
      {{"DB_PREPARED_STATEMENTS", "sometimes"}},
      {{"LOG_LEVEL", "loud"}},
      {{"JWT_HS256_SECRET", "short"}},
      {{"TENANT_HEADER_NAME", "X Tenant"}},
      {{"JWT_LEEWAY_SECONDS", "600"}},
      {{"JWT_TENANT_CLAIM", "o..id"}},
      {{"JWT_ROLE_CLAIM", "a.b.c.d.e"}},
      {{"JWT_SUBJECT_KIND", "email"}},
      {{"JWT_ROLE_MAP", "org:admin"}},
      {{"JWT_ROLE_MAP", "org:admin=Admin"}},
      {{"DNS_SERVER", "localhost:53"}},
      {{"DNS_SERVER", "127.0.0.1:99999"}},
      {{"DOMAIN_POLL_INTERVAL", "5x"}},
      {{"DOMAIN_POLL_INTERVAL", "0"}},
      {{"DOMAIN_RECHECK_INTERVAL", "31d"}},
      {{"DOMAIN_POLL_ATTEMPTS", "0"}},
      {{"DOMAIN_CLAIM_TTL_DAYS", "0"}},
      {{"DOMAIN_CNAME_TARGET", "edge cdn"}},
      {{"IDEMPOTENCY_TTL", "59s"}},
  };
  for (const auto& env : bad) {
    try {
      util::load_config(&env);
      ADD_FAILURE() << "accepted " << env.begin()->first << "=" << env.begin()->second;
    } catch (const util::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(env.begin()->first), std::string::npos) << e.what();
    }
  }
}

TEST(Uuid, ValidationAndGeneration) {
  EXPECT_TRUE(util::is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(util::is_uuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(util::is_uuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(util::is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(util::is_uuid("123e4567-e89b-12d3-a456-4266141740000"));
  auto a = util::new_uuid(), b = util::new_uuid();
  EXPECT_TRUE(util::is_uuid(a));
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
}

}  // namespace
}  // namespace tenantd
