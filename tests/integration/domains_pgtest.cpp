// Custom domains over HTTP against real PostgreSQL, a real tenantd with its workers, and a real
// DNS server (dnsmasq on a loopback port with the records each test writes): claims and their
// validation, the plan's limit under concurrency, DNS verification (a record that changes
// mid-poll, a CNAME chain, NXDOMAIN, a server that never answers), the race between two tenants
// verifying one hostname, the on-demand TLS ask and the audit rows and metrics.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "caddy.hpp"
#include "dnsmasq.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

const char* kBase = "tenantd.test";

std::map<std::string, std::string> server_env(const std::string& dns_server,
                                              std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env{{"JWT_HS256_SECRET", kTestSecret},
                                         {"BASE_DOMAIN", kBase},
                                         {"DNS_SERVER", dns_server},
                                         {"DNS_TIMEOUT_MS", "300"},
                                         {"DOMAIN_POLL_INTERVAL", "1s"},
                                         {"DOMAIN_POLL_ATTEMPTS", "1000"},
                                         {"WORKERS", "2"},
                                         {"JOB_POLL_MS", "100"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

HttpResponse post_json(int port, const std::string& path, const std::string& body, Headers h) {
  h["Content-Type"] = "application/json";
  return http_request(port, "POST", path, h, body);
}

std::string admin_of(const Seed& s) {
  return mint_token(s.user_ids[0], s.id, "tenant_admin");
}

void set_plan(const Seed& s, const std::string& plan) {
  admin_exec("update tenantd.tenants set plan = '" + plan + "' where id = '" + s.id + "'");
}

// POST /v1/domains as the tenant's admin; the parsed claim (asserting 201).
rapidjson::Document claim(int port, const Seed& s, const std::string& hostname) {
  auto r = post_json(port, "/v1/domains", R"({"hostname":")" + hostname + R"("})", bearer(admin_of(s)));
  EXPECT_EQ(r.status, 201) << r.body;
  return parse(r.body);
}

std::string token_of(const rapidjson::Document& d) {
  return d["dns_records"][0]["value"].GetString();
}

// The claim as GET /v1/domains/{id} shows it.
rapidjson::Document fetch(int port, const Seed& s, const std::string& id) {
  return parse(http_request(port, "GET", "/v1/domains/" + id, bearer(admin_of(s))).body);
}

bool wait_status(int port, const Seed& s, const std::string& id, const std::string& status) {
  return wait_for([&] { return str(fetch(port, s, id), "status") == status; }, 30000);
}

TEST(DomainsTest, ClaimsAreValidatedAndIsolated) {
  DnsmasqProcess dns({});
  TenantdProcess server(server_env(dns.server()));
  Seed a = seed_tenant("dom-a", 2), b = seed_tenant("dom-b", 1);
  set_plan(a, "pro");
  set_plan(b, "pro");
  const int port = server.port();
  const std::string host = "Shop." + uniq() + ".example.";
  auto d = claim(port, a, host);
  const std::string normalised = host.substr(0, host.size() - 1);
  std::string lower = normalised;
  for (auto& c : lower) c = static_cast<char>(tolower(c));
  EXPECT_EQ(str(d, "hostname"), lower) << "lower case, no trailing dot";
  EXPECT_EQ(str(d, "status"), "pending");
  EXPECT_EQ(std::string(d["dns_records"][0]["name"].GetString()), "_tenantd-challenge." + lower);
  EXPECT_EQ(std::string(d["dns_records"][1]["value"].GetString()), a.slug + "." + kBase);
  const std::string id = str(d, "id");

  // IDNA: a U-label is stored as its A-label
  auto idn = claim(port, a, "bücher-" + uniq() + ".example");
  EXPECT_EQ(str(idn, "hostname").rfind("xn--", 0), 0u) << str(idn, "hostname");

  for (const char* bad : {"shop.example:443", "*.wild.example", "co.uk", "acme.tenantd.test", "192.0.2.1",
                          "localhost", "https://x.example/"}) {
    auto r =
        post_json(port, "/v1/domains", std::string(R"({"hostname":")") + bad + R"("})", bearer(admin_of(a)));
    expect_problem(r, 400, "invalid_hostname");
    EXPECT_GT(str(parse(r.body), "detail").size(), 10u) << "a reason: " << r.body;
  }
  expect_problem(post_json(port, "/v1/domains", R"({})", bearer(admin_of(a))), 400, "missing_field");

  // a member reads but may not claim; another tenant sees nothing
  const std::string member = mint_token(a.user_ids[1], a.id, "member");
  EXPECT_EQ(http_request(port, "GET", "/v1/domains/" + id, bearer(member)).status, 200);
  expect_problem(post_json(port, "/v1/domains", R"({"hostname":"m.example"})", bearer(member)), 403,
                 "forbidden");
  expect_problem(http_request(port, "GET", "/v1/domains/" + id, bearer(admin_of(b))), 404,
                 "domain_not_found");
  expect_problem(http_request(port, "DELETE", "/v1/domains/" + id, bearer(admin_of(b))), 404,
                 "domain_not_found");
  expect_problem(post_json(port, "/v1/domains/" + id + "/verify", "", bearer(admin_of(b))), 404,
                 "domain_not_found");
  auto list_b = parse(http_request(port, "GET", "/v1/domains", bearer(admin_of(b))).body);
  EXPECT_EQ(list_b["data"].Size(), 0u);
  auto list_a = parse(http_request(port, "GET", "/v1/domains?limit=1", bearer(admin_of(a))).body);
  EXPECT_EQ(list_a["data"].Size(), 1u);
  EXPECT_TRUE(list_a["next_cursor"].IsString()) << "two claims, pages of one";

  // re-claim rotates the token; delete removes it
  auto again = claim(port, a, lower);
  EXPECT_EQ(str(again, "id"), id);
  EXPECT_NE(token_of(again), token_of(d));
  EXPECT_EQ(http_request(port, "DELETE", "/v1/domains/" + id, bearer(admin_of(a))).status, 204);
  expect_problem(http_request(port, "GET", "/v1/domains/" + id, bearer(admin_of(a))), 404,
                 "domain_not_found");
  EXPECT_EQ(
      q1("select string_agg(action, ',' order by at, action) from tenantd.audit_log where tenant_id = '" +
         a.id + "' and target_id = '" + id + "'"),
      "domain.claim,domain.claim,domain.delete");
}

// The plan's custom_domains limit holds when many claims race: the count and the insert happen
// under one per-tenant lock in the claim's transaction.
TEST(DomainsTest, PlanLimitHoldsUnderConcurrentClaims) {
  DnsmasqProcess dns({});
  TenantdProcess server(server_env(dns.server(), {{"HTTP_THREADS", "8"}, {"DB_POOL_SIZE", "8"}}));
  Seed a = seed_tenant("dom-quota", 1);
  set_plan(a, "starter");  // one custom domain
  const int port = server.port();
  const std::string tok = admin_of(a);
  const std::string u = uniq();
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = post_json(port, "/v1/domains",
                         R"({"hostname":"d)" + std::to_string(i) + "." + u + R"(.example"})", bearer(tok));
      if (r.status == 201) {
        ++created;
      } else if (r.status == 403 && str(parse(r.body), "code") == "quota_exceeded") {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(q1("select count(*) from tenantd.domains where tenant_id = '" + a.id + "'"), "1");
}

// Poll → a wrong TXT value is recorded → the record is corrected while tenantd polls → verified;
// the audit log and /metrics show it, and the on-demand TLS ask now allows the hostname.
TEST(DomainsTest, VerifiesWhenTheRecordChangesMidPoll) {
  const std::string host = "www." + uniq() + ".example";
  Seed a = seed_tenant("dom-v", 1);
  set_plan(a, "pro");
  const std::string target = a.slug + "." + kBase;
  DnsmasqProcess dns({{{"_tenantd-challenge." + host, "not-the-token"}}, {{host, target}}, {target}});
  TenantdProcess server(server_env(dns.server()));
  const int port = server.port();
  expect_problem(http_request(port, "GET", "/v1/domains/allowed?domain=" + host), 404, "domain_not_found");
  auto d = claim(port, a, host);
  const std::string id = str(d, "id");
  ASSERT_TRUE(wait_for(
      [&] {
        auto f = fetch(port, a, id);
        return f.IsObject() && f["attempts"].GetInt() >= 2 &&
               str(f, "last_error").find("wrong value") != std::string::npos;
      },
      30000))
      << server.log();
  EXPECT_EQ(str(fetch(port, a, id), "status"), "pending");

  dns.restart({{{"_tenantd-challenge." + host, token_of(d)}}, {{host, target}}, {target}});
  ASSERT_TRUE(wait_status(port, a, id, "verified")) << server.log() << dns.log();
  auto v = fetch(port, a, id);
  EXPECT_TRUE(v["verified_at"].IsString());
  EXPECT_TRUE(v["last_error"].IsNull());

  auto ask = http_request(port, "GET", "/v1/domains/allowed?domain=" + host);
  EXPECT_EQ(ask.status, 200) << ask.body;
  expect_problem(http_request(port, "GET", "/v1/domains/allowed?domain=other." + host), 404,
                 "domain_not_found");
  EXPECT_EQ(
      q1("select string_agg(action, ',' order by at) from tenantd.audit_log where target_id = '" + id + "'"),
      "domain.claim,domain.verify");
  const auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("tenantd_domain_checks_total{outcome=\"verified\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("tenantd_domain_checks_total{outcome=\"pending\"}"), std::string::npos) << metrics;

  // Host routing: the verified domain acts in A, in the statement that sets the context
  Seed b = seed_tenant("dom-v-b", 1);
  Headers on_host = bearer(admin_of(a));
  on_host["Host"] = host + ":443";
  auto routed = http_request(port, "GET", "/v1/domains/" + id, on_host);
  EXPECT_EQ(routed.status, 200) << routed.body;
  Headers b_on_a = bearer(admin_of(b));
  b_on_a["Host"] = host;
  expect_problem(http_request(port, "GET", "/v1/domains", b_on_a), 403, "tenant_mismatch");
  Headers unknown = bearer(admin_of(a));
  unknown["Host"] = "nobody." + host;
  expect_problem(http_request(port, "GET", "/v1/domains", unknown), 404, "tenant_not_found");
  const std::string pending_host = "pending." + host;
  claim(port, a, pending_host);
  Headers pending = bearer(admin_of(a));
  pending["Host"] = pending_host;
  expect_problem(http_request(port, "GET", "/v1/domains", pending), 404, "tenant_not_found");

  // verify now on a verified domain: 202, a re-check that finds it still right
  auto now = post_json(port, "/v1/domains/" + id + "/verify", "", bearer(admin_of(a)));
  EXPECT_EQ(now.status, 202) << now.body;
  EXPECT_EQ(now.header("location"), "/v1/domains/" + id);
}

// The service's own names outside BASE_DOMAIN (API_HOSTNAMES) are not custom domains: a request
// through them acts in the token's tenant instead of being refused as an unknown domain, while
// any other unknown name still is.
TEST(DomainsTest, TheServicesOwnHostnamesAreNotLookedUpAsDomains) {
  TenantdProcess server(server_env("", {{"API_HOSTNAMES", "api.own-name.example, lb.own-name.example"}}));
  const int port = server.port();
  Seed a = seed_tenant("dom-own", 1);
  Headers own = bearer(admin_of(a));
  own["Host"] = "LB.own-name.example:8443";
  auto r = http_request(port, "GET", "/v1/domains", own);
  EXPECT_EQ(r.status, 200) << r.body;
  Headers other = bearer(admin_of(a));
  other["Host"] = "www.own-name.example";
  expect_problem(http_request(port, "GET", "/v1/domains", other), 404, "tenant_not_found");
}

// The on-demand TLS ask is public, so it has its own per-address budget.
TEST(DomainsTest, TheTlsAskIsRateLimited) {
  DnsmasqProcess dns({});
  TenantdProcess server(server_env(dns.server(), {{"DOMAIN_ASK_RATE_PER_MINUTE", "3"}}));
  for (int i = 0; i < 3; ++i) {
    expect_problem(
        http_request(server.port(), "GET", "/v1/domains/allowed?domain=x" + std::to_string(i) + ".example"),
        404, "domain_not_found");
  }
  auto r = http_request(server.port(), "GET", "/v1/domains/allowed?domain=x.example");
  expect_problem(r, 429, "rate_limited");
  EXPECT_FALSE(r.header("retry-after").empty());
}

// The hostname's CNAME may reach the target through an alias of the tenant's own.
TEST(DomainsTest, FollowsACnameChain) {
  const std::string u = uniq();
  const std::string host = "shop." + u + ".example", alias = "edge." + u + ".example";
  Seed a = seed_tenant("dom-chain", 1);
  set_plan(a, "pro");
  const std::string target = a.slug + "." + kBase;
  DnsmasqProcess dns({{}, {{host, alias}, {alias, target}}, {target}});
  TenantdProcess server(server_env(dns.server()));
  auto d = claim(server.port(), a, host);
  dns.restart({{{"_tenantd-challenge." + host, token_of(d)}}, {{host, alias}, {alias, target}}, {target}});
  EXPECT_TRUE(wait_status(server.port(), a, str(d, "id"), "verified")) << server.log();
}

// NXDOMAIN is recorded as such, and the claim fails when its attempts run out.
TEST(DomainsTest, NxdomainIsRecordedAndAttemptsRunOut) {
  DnsmasqProcess dns({});
  TenantdProcess server(server_env(dns.server(), {{"DOMAIN_POLL_ATTEMPTS", "3"}}));
  Seed a = seed_tenant("dom-nx", 1);
  set_plan(a, "pro");
  auto d = claim(server.port(), a, "gone." + uniq() + ".example");
  const std::string id = str(d, "id");
  ASSERT_TRUE(wait_status(server.port(), a, id, "failed")) << server.log();
  auto f = fetch(server.port(), a, id);
  EXPECT_EQ(f["attempts"].GetInt(), 3);
  EXPECT_NE(str(f, "last_error").find("NXDOMAIN"), std::string::npos) << str(f, "last_error");
  expect_problem(post_json(server.port(), "/v1/domains/" + id + "/verify", "", bearer(admin_of(a))), 409,
                 "domain_claim_ended");
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'domain.fail' and target_id = '" + id + "'"),
      "1");
}

// A DNS server that never answers: the check records a timeout and the claim stays pending.
TEST(DomainsTest, ASilentServerIsATimeout) {
  // a UDP socket that receives and never answers
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string silent = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  TenantdProcess server(server_env(silent));
  Seed a = seed_tenant("dom-to", 1);
  set_plan(a, "pro");
  auto d = claim(server.port(), a, "slow." + uniq() + ".example");
  const std::string id = str(d, "id");
  ASSERT_TRUE(wait_for(
      [&] { return str(fetch(server.port(), a, id), "last_error").find("timeout") != std::string::npos; },
      30000))
      << server.log();
  EXPECT_EQ(str(fetch(server.port(), a, id), "status"), "pending");
  close(s);
}

// Two tenants hold pending claims of one hostname and both DNS records are right (a shared
// DOMAIN_CNAME_TARGET, both tokens published): whichever check runs first verifies, the other
// claim fails with domain_taken. Exactly one owner.
TEST(DomainsTest, TwoTenantsVerifyingOneHostnameEndWithOneOwner) {
  const std::string host = "both." + uniq() + ".example", target = "edge.cdn.test";
  DnsmasqProcess dns({});
  TenantdProcess server(server_env(dns.server(), {{"DOMAIN_CNAME_TARGET", target}, {"WORKERS", "2"}}));
  Seed a = seed_tenant("dom-ra", 1), b = seed_tenant("dom-rb", 1);
  set_plan(a, "pro");
  set_plan(b, "pro");
  const int port = server.port();
  auto da = claim(port, a, host), db = claim(port, b, host);
  dns.restart({{{"_tenantd-challenge." + host, token_of(da)}, {"_tenantd-challenge." + host, token_of(db)}},
               {{host, target}},
               {target}});
  // both ask at once
  std::thread ta(
      [&] { post_json(port, "/v1/domains/" + str(da, "id") + "/verify", "", bearer(admin_of(a))); });
  std::thread tb(
      [&] { post_json(port, "/v1/domains/" + str(db, "id") + "/verify", "", bearer(admin_of(b))); });
  ta.join();
  tb.join();
  ASSERT_TRUE(wait_for(
      [&] {
        return q1("select count(*) from tenantd.domains where hostname = '" + host +
                  "' and status in ('verified', 'failed')") == "2";
      },
      30000))
      << server.log();
  EXPECT_EQ(
      q1("select count(*) from tenantd.domains where hostname = '" + host + "' and status = 'verified'"),
      "1");
  EXPECT_EQ(
      q1("select last_error from tenantd.domains where hostname = '" + host + "' and status = 'failed'"),
      "domain_taken");
}

// The same race decided in the database, deterministically: the first verification holds its
// transaction open; the second waits for it, then finds its own claim already failed. And a
// writer that skips the functions still cannot make two owners: the unique index refuses.
TEST(DomainsTest, TheDatabaseDecidesTheRace) {
  Seed a = seed_tenant("dom-da", 1), b = seed_tenant("dom-db", 1);
  const std::string host = "race." + uniq() + ".example";
  std::string ida = util::new_uuid(), idb = util::new_uuid();
  for (const auto& [t, id] : {std::pair{a.id, ida}, std::pair{b.id, idb}}) {
    admin_exec(
        "insert into tenantd.domains (tenant_id, id, hostname, token, cname_target, expires_at) values ('" +
        t + "', '" + id + "', '" + host + "', '" + std::string(43, 'x') +
        "', 'edge.cdn.test', now() + interval '1 day')");
  }
  pqxx::connection c1(worker_url()), c2(worker_url());
  pqxx::work t1(c1);
  EXPECT_EQ(
      t1.exec_params("select tenantd.record_domain_check($1::uuid, $2::uuid, 1, true, null, 60, 10, 86400)",
                     a.id, ida)[0][0]
          .as<std::string>(),
      "verified");
  std::string second;
  std::thread other([&] {
    pqxx::work t2(c2);
    second =
        t2.exec_params("select tenantd.record_domain_check($1::uuid, $2::uuid, 1, true, null, 60, 10, 86400)",
                       b.id, idb)[0][0]
            .as<std::string>();
    t2.commit();
  });
  // the second check is waiting for the first transaction (visible as a lock wait)
  EXPECT_TRUE(wait_for([&] {
    return q1("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like "
              "'%record_domain_check%'") == "1";
  }));
  t1.commit();
  other.join();
  EXPECT_EQ(second, "stale") << "B's claim failed when A verified";
  EXPECT_EQ(q1("select status || '/' || last_error from tenantd.domains where id = '" + idb + "'"),
            "failed/domain_taken");

  // bypassing the functions (as the owner): the unique index is the last word
  admin_exec("update tenantd.domains set status = 'pending', last_error = null where id = '" + idb + "'");
  EXPECT_THROW(admin_exec("update tenantd.domains set status = 'verified', verified_at = now() where id = '" +
                          idb + "'"),
               std::exception);
}

// On-demand TLS end to end: Debian's Caddy on loopback ports, `tls internal`, on_demand_tls
// asking tenantd. A verified custom domain gets a certificate from Caddy's local CA and its
// requests reach the domain's tenant (curl --resolve, trusting that CA only); a hostname that is
// not verified gets no certificate at all.
TEST(DomainsTest, OnDemandTlsThroughCaddyReachesTheRightTenant) {
  const std::string u = uniq();
  const std::string host = "app." + u + ".example", pending_host = "later." + u + ".example";
  Seed a = seed_tenant("dom-tls-a", 1), b = seed_tenant("dom-tls-b", 1);
  set_plan(a, "pro");
  const std::string target = a.slug + "." + kBase;
  DnsmasqProcess dns({{}, {{host, target}}, {target}});
  TenantdProcess server(server_env(dns.server()));
  auto d = claim(server.port(), a, host);
  claim(server.port(), a, pending_host);  // never verified
  dns.restart({{{"_tenantd-challenge." + host, token_of(d)}}, {{host, target}}, {target}});
  ASSERT_TRUE(wait_status(server.port(), a, str(d, "id"), "verified")) << server.log();

  CaddyProcess caddy(server.port());
  const std::string port = std::to_string(caddy.https_port());
  auto curl = [&](const std::string& name, const std::string& path, const std::string& tok) {
    return run_command({"/usr/bin/curl", "-sS", "--max-time", "20", "--resolve",
                        name + ":" + port + ":127.0.0.1", "--cacert", caddy.root_cert(), "-H",
                        "Authorization: Bearer " + tok, "-w", "\n%{http_code}",
                        "https://" + name + ":" + port + path});
  };
  auto ok = curl(host, "/v1/domains/" + str(d, "id"), admin_of(a));
  ASSERT_EQ(ok.exit_code, 0) << ok.output << caddy.log();
  EXPECT_EQ(str(parse(ok.output.substr(0, ok.output.rfind('\n'))), "hostname"), host) << ok.output;
  EXPECT_EQ(ok.output.substr(ok.output.size() - 3), "200") << ok.output;
  // the same name with another tenant's token: the Host names A
  auto other = curl(host, "/v1/domains", admin_of(b));
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_NE(other.output.find("tenant_mismatch"), std::string::npos) << other.output;
  EXPECT_EQ(other.output.substr(other.output.size() - 3), "403") << other.output;
  // not verified: Caddy asks tenantd, gets 404, issues nothing; the handshake fails (curl 35)
  auto refused = curl(pending_host, "/v1/domains", admin_of(a));
  EXPECT_EQ(refused.exit_code, 35) << refused.output;
  auto unknown = curl("nobody." + u + ".example", "/v1/domains", admin_of(a));
  EXPECT_EQ(unknown.exit_code, 35) << unknown.output;
  caddy.stop();
}

}  // namespace
}  // namespace tenantd::test
