// Tenant data export end to end over real HTTP, a real tenantd, a real worker process and real
// PostgreSQL: tenants A and B with rows in several tables (members, configuration with a sealed
// secret, invitations, the audit log); A's admin exports, a worker writes the tar file, the admin
// downloads it, and GNU tar unpacks it. The manifest's counts and SHA-256s must match the files,
// no row or value of B may appear anywhere, secrets only when asked for with config:secrets, no
// credential hash ever. Attacks: a member, an exporter without config:secrets, an expired link,
// B's token on A's export and on B's export in A, a token of an earlier link.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>

#include "support.hpp"
#include "util/sha256.hpp"

namespace tenantd::test {
namespace {

std::string q(const std::string& s) {  // SQL literal for test-made values (uuids, slugs)
  return "'" + s + "'";
}

const std::string& export_dir() {
  static const std::string dir = source_dir() + "/var/export-test-" + uniq();
  return dir;
}

TenantdProcess& server() {
  static std::unique_ptr<TenantdProcess> s(new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret},
                                                               {"DB_POOL_SIZE", "4"},
                                                               {"HTTP_THREADS", "2"},
                                                               {"EXPORT_DIR", export_dir()}}));
  return *s;
}

HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body = "") {
  Headers h = bearer(token);
  if (!body.empty()) h["Content-Type"] = "application/json";
  return http_request(server().port(), method, path, h, body);
}

std::string admin_of(const Seed& s) {
  return mint_token(s.user_ids[0], s.id, "tenant_admin");
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// rows in several tables of one tenant: a secret and a plain entry, an invitation
void fill(const Seed& s, const std::string& secret) {
  auto r = call("PUT", "/v1/config/integrations/stripe", admin_of(s),
                R"({"value": {"api_key": ")" + secret + R"("}})");
  ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;
  r = call("PUT", "/v1/config/general/motto", admin_of(s), R"({"value": "motto of )" + s.slug + R"("})");
  ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;
  r = call("POST", "/v1/invitations", admin_of(s),
           R"({"email": "invitee-)" + uniq() + "@" + s.slug + R"(.test", "role": "member"})");
  ASSERT_EQ(r.status, 201) << r.body;
}

std::string in_list(const std::vector<std::string>& ids) {
  std::string list;
  for (const auto& id : ids) list += (list.empty() ? "" : ",") + q(id);
  return list;
}

struct Unpacked {
  std::string dir;
  std::map<std::string, std::string> files;  // name -> content
  rapidjson::Document manifest;
};

Unpacked unpack(const std::string& tar_bytes, const std::string& name) {
  Unpacked u;
  u.dir = source_dir() + "/var/" + name + "-" + uniq();
  std::filesystem::create_directories(u.dir);
  {
    std::ofstream f(u.dir + ".tar", std::ios::binary);
    f << tar_bytes;
  }
  auto r = run_command({"/usr/bin/tar", "-xf", u.dir + ".tar", "-C", u.dir});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const auto& e : std::filesystem::directory_iterator(u.dir))
    u.files[e.path().filename().string()] = read_file(e.path().string());
  u.manifest.Parse(u.files["manifest.json"].c_str());
  return u;
}

std::string download_url(const std::string& token, const std::string& id) {
  auto r = call("GET", "/v1/export/" + id, token);
  EXPECT_EQ(r.status, 200) << r.body;
  auto d = parse(r.body);
  if (!d.IsObject() || !d.HasMember("download")) return "";
  return str(d["download"], "url");
}

TEST(Export, AdminExportsEveryRowOfItsTenantAndNothingOfAnother) {
  Seed a = seed_tenant("exa", 2), b = seed_tenant("exb", 1);
  const std::string secret_a = "sk_live_export_a_" + uniq() + uniq(), secret_b = "sk_live_export_b_" + uniq();
  fill(a, secret_a);
  fill(b, secret_b);
  // a member of A, and an exporter of A: export:create without config:secrets
  const std::string member = mint_token(a.user_ids[0], a.id, "member");  // the admin, narrowed
  admin_exec("insert into tenantd.roles (tenant_id, name) values (" + q(a.id) + ", 'exporter')");
  admin_exec(
      "insert into tenantd.role_permissions (tenant_id, role_id, permission) select tenant_id, id, "
      "'export:create' from tenantd.roles where tenant_id = " +
      q(a.id) + " and name = 'exporter'");
  admin_exec("update tenantd.memberships set role = 'exporter' where tenant_id = " + q(a.id) +
             " and user_id = " + q(a.user_ids[1]));
  const std::string exporter = mint_token(a.user_ids[1], a.id, "exporter");

  // who may start one
  auto r = call("POST", "/v1/export", member);
  expect_problem(r, 403, "forbidden");
  r = call("POST", "/v1/export", exporter, R"({"include_secrets": true})");
  expect_problem(r, 403, "forbidden");
  r = call("POST", "/v1/export", admin_of(a), R"({"include_secrets": "yes"})");
  expect_problem(r, 400, "invalid_field_type");
  r = call("POST", "/v1/export", exporter);
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string plain_id = str(parse(r.body), "id");
  EXPECT_EQ(str(parse(r.body), "status"), "queued");
  EXPECT_EQ(r.header("location"), "/v1/export/" + plain_id);
  r = call("POST", "/v1/export", admin_of(a), R"({"include_secrets": true})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string secret_id = str(parse(r.body), "id");
  r = call("POST", "/v1/export", admin_of(b));
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string b_id = str(parse(r.body), "id");
  // queued: no link yet, and a member reads no export
  r = call("GET", "/v1/export/" + plain_id, admin_of(a));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(parse(r.body).HasMember("download"));
  expect_problem(call("GET", "/v1/export/" + plain_id, member), 403, "forbidden");
  expect_problem(call("GET", "/v1/export/" + b_id, admin_of(a)), 404, "export_not_found");

  // a worker writes them; the first file it writes is held at a table lock the test takes (the
  // export reads every tenant table): meanwhile the export is 'running' for its tenant's admin.
  // Two worker threads: the daily usage sample, which the worker schedules when it starts, reads
  // every tenant table too and may wait at the same lock on one of them
  const std::string ids = in_list({plain_id, secret_id, b_id});
  // jobs other tests left queued or running wait an hour: the worker works on these
  admin_query(
      "update tenantd.jobs set run_at = now() + interval '1 hour', lease_until = case when state = "
      "'running' then now() + interval '1 hour' else lease_until end where state in ('queued', 'running') "
      "and not (kind = 'tenant.export' and payload ->> 'export_id' in (" +
      ids + "))");
  pqxx::connection holder(admin_url());
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("lock table tenantd.allowed_origins in access exclusive mode");
  struct StopOnExit {  // an early return must not leave the worker taking the next tests' jobs
    pid_t pid;
    std::unique_ptr<pqxx::work>& hold;
    ~StopOnExit() {
      if (hold) hold->abort();  // first: the worker finishes its job in hand before it stops
      stop_process(pid);
    }
  } stop_worker{spawn_worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "50"}, {"EXPORT_DIR", export_dir()}},
                             source_dir() + "/var/export-worker.log"),
                hold};
  const bool held = wait_for([&] {
    return q1("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like "
              "'%export_rows%'") != "0";
  });
  ASSERT_TRUE(held) << "no export reached the lock: " << read_file(source_dir() + "/var/export-worker.log");
  const std::string writing =
      q1("select id from tenantd.tenant_exports where status = 'running' and id in (" + ids +
         ") order by started_at limit 1");
  ASSERT_FALSE(writing.empty());
  r = call("GET", "/v1/export/" + writing, writing == b_id ? admin_of(b) : admin_of(a));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(parse(r.body), "status"), "running");
  EXPECT_FALSE(parse(r.body).HasMember("download"));
  hold->abort();
  hold.reset();  // (StopOnExit sees it gone)
  const bool finished = wait_for(
      [&] {
        return q1("select count(*) from tenantd.tenant_exports where status in ('done', 'failed') and id in "
                  "(" +
                  ids + ")") == "3";
      },
      60000);
  ASSERT_TRUE(finished) << read_file(source_dir() + "/var/export-worker.log");
  EXPECT_EQ(q1("select string_agg(distinct status, ',') from tenantd.tenant_exports where id in (" +
               q(plain_id) + "," + q(secret_id) + "," + q(b_id) + ")"),
            "done");

  // the plain export, downloaded and unpacked
  r = call("GET", "/v1/export/" + plain_id, exporter);
  ASSERT_EQ(r.status, 200) << r.body;
  auto status = parse(r.body);
  EXPECT_EQ(str(status, "status"), "done");
  ASSERT_TRUE(status.HasMember("download")) << r.body;
  const std::string url = str(status["download"], "url");
  ASSERT_EQ(url.rfind("/v1/export/" + plain_id + "/download?token=", 0), 0u) << url;
  auto dl = call("GET", url, exporter);
  ASSERT_EQ(dl.status, 200) << dl.body.substr(0, 300);
  EXPECT_EQ(dl.header("content-type"), "application/x-tar");
  EXPECT_EQ(util::sha256_hex(dl.body), str(status, "sha256"));
  Unpacked u = unpack(dl.body, "export-plain");
  ASSERT_TRUE(u.manifest.IsObject()) << u.files["manifest.json"];
  EXPECT_EQ(str(u.manifest, "tenant_id"), a.id);
  EXPECT_EQ(str(u.manifest, "export_id"), plain_id);
  EXPECT_FALSE(str(u.manifest, "created_at").empty());
  std::set<std::string> tables;
  for (const auto& t : u.manifest["tables"].GetArray()) {
    const std::string file = str(t, "file");
    ASSERT_TRUE(u.files.count(file)) << file;
    const std::string& body = u.files[file];
    EXPECT_EQ(str(t, "sha256"), util::sha256_hex(body)) << file;
    size_t lines = 0;
    for (char c : body) lines += c == '\n';
    EXPECT_EQ(static_cast<size_t>(t["rows"].GetInt64()), lines) << file;
    EXPECT_EQ(status["row_counts"][str(t, "table").c_str()].GetInt64(), t["rows"].GetInt64()) << file;
    tables.insert(str(t, "table"));
    // every row is A's
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      auto row = parse(line);
      ASSERT_TRUE(row.IsObject()) << line;
      const char* key = str(t, "table") == "tenantd.tenants" ? "id" : "tenant_id";
      EXPECT_EQ(str(row, key), a.id) << file << ": " << line;
    }
  }
  EXPECT_EQ(u.files.size(), tables.size() + 1) << "one file per table and the manifest";
  // every tenant table is in it (introspected: the catalog's list, not a list of the test's)
  for (const auto& row : admin_query("select name from tenantd.tenant_tables()"))
    EXPECT_TRUE(tables.count(row[0])) << row[0] << " is not in the export";
  EXPECT_TRUE(tables.count("tenantd.tenants"));
  // the counts of the tables the export reads whole are A's rows in the database
  for (const std::string& t : std::vector<std::string>{"tenantd.memberships", "tenantd.tenant_configs",
                                                       "tenantd.invitations", "tenantd.roles"})
    EXPECT_EQ(std::to_string(status["row_counts"][t.c_str()].GetInt64()),
              q1("select count(*) from " + t + " where tenant_id = " + q(a.id)))
        << t;
  EXPECT_GE(status["row_counts"]["tenantd.audit_log"].GetInt64(), 3);
  // nothing of B anywhere: ids, slug, secret, entries
  for (const auto& [name, body] : u.files) {
    for (const std::string& needle :
         {b.id, b.slug, secret_b, b.user_ids[0], std::string("motto of ") + b.slug})
      EXPECT_EQ(body.find(needle), std::string::npos) << needle << " in " << name;
    // no secret of A without include_secrets, no credential hash
    EXPECT_EQ(body.find(secret_a), std::string::npos) << "A's secret in " << name;
    EXPECT_EQ(body.find("password_hash"), std::string::npos) << name;
    EXPECT_EQ(body.find("token_hash"), std::string::npos) << name;
    EXPECT_EQ(body.find("key_hash"), std::string::npos) << name;
  }
  const std::string& configs = u.files["tenantd.tenant_configs.jsonl"];
  EXPECT_NE(configs.find(R"("value":{"excluded":"secret"})"), std::string::npos) << configs;
  EXPECT_NE(configs.find("motto of " + a.slug), std::string::npos) << configs;
  EXPECT_EQ(configs.find("\"sealed\""), std::string::npos) << "not even the ciphertext";

  // with include_secrets (asked by the admin, who has config:secrets): A's secret in clear
  const std::string surl = download_url(admin_of(a), secret_id);
  auto sdl = call("GET", surl, admin_of(a));
  ASSERT_EQ(sdl.status, 200) << sdl.body.substr(0, 300);
  Unpacked s = unpack(sdl.body, "export-secrets");
  EXPECT_NE(s.files["tenantd.tenant_configs.jsonl"].find(R"({"api_key":")" + secret_a + "\"}"),
            std::string::npos)
      << s.files["tenantd.tenant_configs.jsonl"];
  for (const auto& [name, body] : s.files) EXPECT_EQ(body.find(secret_b), std::string::npos) << name;

  // links: B's token downloads neither B's export nor A's in A; an earlier link stops; expiry: 410
  const std::string burl = download_url(admin_of(b), b_id);
  const std::string btoken = burl.substr(burl.find("token=") + 6);
  expect_problem(call("GET", burl, admin_of(a)), 404, "export_not_found");
  expect_problem(call("GET", "/v1/export/" + plain_id + "/download?token=" + btoken, admin_of(a)), 404,
                 "export_not_found");
  expect_problem(
      call("GET", "/v1/tenants/" + a.id + "/export/" + b_id + "/download?token=" + btoken, admin_of(a)), 404,
      "export_not_found");
  ASSERT_EQ(call("GET", burl, admin_of(b)).status, 200) << "B's own link works in B";
  // a platform operator uses the explicit spelling, and the link keeps it
  const std::string ops = mint_token("ops-exporter", std::nullopt, "super_admin");
  auto op = call("GET", "/v1/tenants/" + b.id + "/export/" + b_id, ops);
  ASSERT_EQ(op.status, 200) << op.body;
  const std::string op_url = str(parse(op.body)["download"], "url");
  EXPECT_EQ(op_url.rfind("/v1/tenants/" + b.id + "/export/" + b_id + "/download?token=", 0), 0u) << op_url;
  EXPECT_EQ(call("GET", op_url, ops).status, 200);
  const std::string url2 = download_url(exporter, plain_id);
  expect_problem(call("GET", url, exporter), 404, "export_not_found");  // the earlier link
  expect_problem(call("GET", url2, member), 403, "forbidden");          // a member, even with the link
  admin_exec("update tenantd.tenant_exports set link_expires_at = now() - interval '1 second' where id = " +
             q(plain_id));
  expect_problem(call("GET", url2, exporter), 410, "export_link_expired");
  expect_problem(call("GET", "/v1/export/" + plain_id + "/download?token=short", exporter), 404,
                 "export_not_found");

  // audited: each request and each download that succeeded
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = " + q(a.id) +
               " and action = 'export.requested'"),
            "2");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = " + q(a.id) +
               " and action = 'export.downloaded'"),
            "2");
  for (const auto& d : {u.dir, s.dir}) {
    std::filesystem::remove_all(d);
    std::filesystem::remove(d + ".tar");
  }
  std::filesystem::remove_all(export_dir());
}

// The purge of a tenant removes its export files with its rows; another tenant's stay.
TEST(Export, PurgeRemovesTheTenantsExportFiles) {
  Seed a = seed_tenant("exp", 1), b = seed_tenant("exq", 1);
  auto ra = call("POST", "/v1/export", admin_of(a));
  auto rb = call("POST", "/v1/export", admin_of(b));
  ASSERT_EQ(ra.status, 202) << ra.body;
  ASSERT_EQ(rb.status, 202) << rb.body;
  const std::string a_file = export_dir() + "/" + a.id + "/" + str(parse(ra.body), "id") + ".tar";
  const std::string b_file = export_dir() + "/" + b.id + "/" + str(parse(rb.body), "id") + ".tar";
  const std::string log = source_dir() + "/var/export-purge-worker.log";
  struct StopOnExit {  // an early return must not leave a worker taking the next tests' jobs
    pid_t pid = -1;
    ~StopOnExit() {
      if (pid > 0) stop_process(pid);
    }
  } worker;
  worker.pid = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"EXPORT_DIR", export_dir()}}, log);
  const bool written =
      wait_for([&] { return std::filesystem::exists(a_file) && std::filesystem::exists(b_file); }, 60000);
  ASSERT_TRUE(written) << read_file(log);

  const std::string ops = mint_token("ops-export-purger", std::nullopt, "super_admin");
  ASSERT_EQ(call("DELETE", "/v1/tenants/" + a.id, ops).status, 204);
  ASSERT_EQ(call("POST", "/v1/tenants/" + a.id + "/purge", ops, R"({"confirm": ")" + a.slug + R"("})").status,
            202);
  const bool purged = wait_for(
      [&] {
        return q1("select purged_at is not null from tenantd.tenant_tombstones where id = " + q(a.id)) == "t";
      },
      60000);
  ASSERT_TRUE(purged) << read_file(log);
  EXPECT_FALSE(std::filesystem::exists(export_dir() + "/" + a.id)) << "A's export files outlived A";
  EXPECT_TRUE(std::filesystem::exists(b_file)) << "B's export was removed with A";
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_exports where tenant_id = " + q(a.id)), "0");
}

}  // namespace
}  // namespace tenantd::test
