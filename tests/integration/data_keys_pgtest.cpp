// Envelope encryption of secret configuration over real HTTP, a real tenantd and real
// PostgreSQL: integrations values are stored sealed with the tenant's data key, which is stored
// wrapped by the KEK (KEK_FILE, never in the database). Attacks: read the database dump for a
// known secret; move a ciphertext (and even its data key row) to another tenant or entry;
// rotate the KEK and drop the old one from the file; run the service without a KEK.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include "crypto/tenant_keys.hpp"
#include "support.hpp"
#include "util/base64url.hpp"
#include "util/random.hpp"

namespace tenantd::test {
namespace {

std::string q(const std::string& s) {  // SQL literal for test-made values (uuids, base64, ids)
  return "'" + s + "'";
}

TenantdProcess& server() {
  static std::unique_ptr<TenantdProcess> s(
      new TenantdProcess({{"JWT_HS256_SECRET", kTestSecret}, {"DB_POOL_SIZE", "4"}, {"HTTP_THREADS", "2"}}));
  return *s;
}

HttpResponse call(int port, const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body = "") {
  Headers h = bearer(token);
  if (!body.empty()) h["Content-Type"] = "application/json";
  return http_request(port, method, path, h, body);
}

std::string admin_of(const Seed& s) {
  return mint_token(s.user_ids[0], s.id, "tenant_admin");
}

// PUT a secret and check the answer shows it in clear
void put_secret(int port, const Seed& s, const std::string& key, const std::string& secret) {
  auto r = call(port, "PUT", "/v1/config/integrations/" + key, admin_of(s),
                R"({"value": {"api_key": ")" + secret + R"("}})");
  ASSERT_TRUE(r.status == 201 || r.status == 200) << r.body;
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject() && d["value"].IsObject()) << r.body;
  EXPECT_EQ(str(d["value"], "api_key"), secret);
}

std::string read_secret(int port, const Seed& s, const std::string& key, int* status = nullptr) {
  auto r = call(port, "GET", "/v1/config/integrations", admin_of(s));
  if (status) *status = r.status;
  if (r.status != 200) return r.body;
  auto d = parse(r.body);
  for (const auto& e : d["data"].GetArray()) {
    if (str(e, "key") == key && e["value"].IsObject()) return str(e["value"], "api_key");
  }
  return "";
}

std::string stored_value(const Seed& s, const std::string& key) {
  return q1("select value::text from tenantd.tenant_configs where tenant_id = " + q(s.id) +
            " and type = 'integrations' and key = " + q(key));
}

// A KEK file with `lines` (id and base64 key each), in var/.
std::string write_kek_file(const std::string& name, const std::vector<crypto::Kek>& keks) {
  const std::string path = source_dir() + "/var/" + name;
  std::ofstream f(path, std::ios::trunc);
  for (const auto& k : keks) f << k.id << " " << util::base64_encode(k.key) << "\n";
  return path;
}

crypto::KekRing fixture_ring() {
  return crypto::KekRing::load_file(test_kek_file());
}

TEST(DataKeys, SecretsAreSealedAtRestAndOpenThroughTheApi) {
  Seed a = seed_tenant("dka", 1);
  const std::string secret = "sk_live_dump_needle_" + uniq() + uniq();
  put_secret(server().port(), a, "stripe", secret);

  // the API opens it, in both read routes
  EXPECT_EQ(read_secret(server().port(), a, "stripe"), secret);
  auto all = call(server().port(), "GET", "/v1/config", admin_of(a));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(secret), std::string::npos);
  EXPECT_EQ(all.body.find("\"wk\""), std::string::npos) << "no key material in the answer";

  // the row holds the envelope, and the tenant one active wrapped data key
  const std::string stored = stored_value(a, "stripe");
  EXPECT_NE(stored.find("\"sealed\": \"v1\""), std::string::npos) << stored;
  EXPECT_EQ(stored.find(secret), std::string::npos);
  EXPECT_EQ(
      q1("select count(*) from tenantd.tenant_data_keys where state = 'active' and tenant_id = " + q(a.id)),
      "1");
  // the audit row names the entry, never the value
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = " + q(a.id) +
               " and details::text like '%" + secret + "%'"),
            "0");

  // a dump of the whole database (what a leaked backup holds) has neither the secret nor the KEK
  auto dump = run_command({"/usr/bin/pg_dump", "--data-only", "--dbname", admin_url()});
  ASSERT_EQ(dump.exit_code, 0) << dump.output.substr(0, 500);
  ASSERT_NE(dump.output.find(a.id), std::string::npos) << "the dump holds tenant A's rows";
  EXPECT_EQ(dump.output.find(secret), std::string::npos) << "the secret is in the dump";
  EXPECT_EQ(dump.output.find(util::base64_encode(fixture_ring().primary().key)), std::string::npos)
      << "the KEK is in the dump";
}

TEST(DataKeys, CiphertextMovedToAnotherTenantOrEntryDoesNotOpen) {
  Seed a = seed_tenant("dkm", 1), b = seed_tenant("dkn", 1);
  const std::string secret_a = "sk_a_" + uniq(), secret_b = "sk_b_" + uniq();
  put_secret(server().port(), a, "stripe", secret_a);
  put_secret(server().port(), a, "slack", "xoxb_" + uniq());
  put_secret(server().port(), b, "stripe", secret_b);

  // into B's entry: B has no data key with that id (read, then written: on Citus one statement
  // over two tenants' shards is refused)
  const std::string sealed_a =
      q1("select value::text from tenantd.tenant_configs where tenant_id = " + q(a.id) +
         " and key = 'stripe' and type = 'integrations'");
  admin_exec("update tenantd.tenant_configs set value = " + q(sealed_a) +
             "::jsonb where tenant_id = " + q(b.id) + " and type = 'integrations' and key = 'stripe'");
  int status = 0;
  std::string body = read_secret(server().port(), b, "stripe", &status);
  EXPECT_EQ(status, 409) << body;
  EXPECT_NE(body.find("secret_undecryptable"), std::string::npos) << body;
  EXPECT_EQ(body.find(secret_a), std::string::npos);
  EXPECT_EQ(body.find(secret_b), std::string::npos);
  auto one = call(server().port(), "GET", "/v1/config", admin_of(b));
  expect_problem(one, 409, "secret_undecryptable");

  // and with A's data key row copied along (same id, wrapped for A): the tenant is bound in
  // the associated data of both the wrapped key and the value
  admin_exec(
      "insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key, state) select " + q(b.id) +
      ", id, kek_id, wrapped_key, 'retired' from tenantd.tenant_data_keys where tenant_id = " + q(a.id));
  body = read_secret(server().port(), b, "stripe", &status);
  EXPECT_EQ(status, 409) << body;
  EXPECT_EQ(body.find(secret_a), std::string::npos);
  // (that row unwraps for nobody: `keys rotate-kek` would report it; the rotation test needs a
  // database without planted rows)
  admin_exec("delete from tenantd.tenant_data_keys where state = 'retired' and tenant_id = " + q(b.id));

  // within A, into another entry (the entry's type/key is bound)
  admin_exec(
      "update tenantd.tenant_configs set value = (select value from tenantd.tenant_configs where tenant_id "
      "= " +
      q(a.id) + " and key = 'stripe' and type = 'integrations') where tenant_id = " + q(a.id) +
      " and type = 'integrations' and key = 'slack'");
  body = read_secret(server().port(), a, "stripe", &status);
  EXPECT_EQ(status, 409) << body;
  EXPECT_EQ(body.find(secret_a), std::string::npos);

  // writing the entry again repairs it
  put_secret(server().port(), a, "slack", "xoxb_repaired");
  EXPECT_EQ(read_secret(server().port(), a, "stripe"), secret_a);

  // a clear-text value written past the API is refused by the database itself
  EXPECT_THROW(
      admin_exec("update tenantd.tenant_configs set value = '{\"api_key\": \"clear\"}' where tenant_id = " +
                 q(a.id) + " and type = 'integrations' and key = 'slack'"),
      std::exception);
}

TEST(DataKeys, StaleCachedKeyIsAskedForAgain) {
  Seed a = seed_tenant("dks", 1);
  put_secret(server().port(), a, "stripe", "first_" + uniq());  // the service caches the active key
  // another process rotated the tenant's key meanwhile
  crypto::TenantKeys keys(fixture_ring());
  auto made = keys.create(a.id);
  admin_exec("update tenantd.tenant_data_keys set state = 'retired', retired_at = now() where tenant_id = " +
             q(a.id));
  admin_exec("insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key) values (" + q(a.id) +
             ", " + q(made.first.key_id) + ", " + q(made.first.kek_id) + ", " + q(made.first.wrapped) + ")");
  const std::string second = "second_" + uniq();
  put_secret(server().port(), a, "stripe", second);
  EXPECT_NE(stored_value(a, "stripe").find(made.first.key_id), std::string::npos)
      << "sealed with the new key";
  EXPECT_EQ(read_secret(server().port(), a, "stripe"), second);
}

TEST(DataKeys, KekRotationRewrapsEveryKeyAndKeepsEverySecretReadable) {
  std::vector<Seed> tenants;
  std::vector<std::string> secrets;
  for (int i = 0; i < 3; ++i) {
    tenants.push_back(seed_tenant("dkr", 1));
    secrets.push_back("sk_rot_" + uniq());
    put_secret(server().port(), tenants.back(), "stripe", secrets.back());
  }
  const std::string rows_before =
      q1("select md5(string_agg(value::text, ',' order by tenant_id, key)) from tenantd.tenant_configs");
  const crypto::Kek old_kek = fixture_ring().primary();
  const crypto::Kek new_kek{"rot-" + uniq(), util::random_bytes(32)};
  const std::string both = write_kek_file("kek-rotation-" + new_kek.id, {new_kek, old_kek});
  // whatever happens below, the other suites get their keys back under the fixture's KEK
  struct RotateBack {
    std::string file;
    ~RotateBack() {
      run_command({tenantd_binary(), "keys", "rotate-kek"},
                  {{"KEK_FILE", file}, {"MIGRATE_DATABASE_URL", migrator_url()}});
    }
  } rotate_back{write_kek_file("kek-back-" + new_kek.id, {old_kek, new_kek})};

  auto r = run_command({tenantd_binary(), "keys", "rotate-kek"},
                       {{"KEK_FILE", both}, {"MIGRATE_DATABASE_URL", migrator_url()}});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rewrapped"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(util::base64_encode(new_kek.key)), std::string::npos);
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_data_keys where kek_id <> " + q(new_kek.id)), "0");
  EXPECT_EQ(
      q1("select md5(string_agg(value::text, ',' order by tenant_id, key)) from tenantd.tenant_configs"),
      rows_before)
      << "rotating the KEK touches no data";

  // a service that only knows the new KEK reads every secret
  {
    const std::string only_new = write_kek_file("kek-only-" + new_kek.id, {new_kek});
    TenantdProcess fresh({{"JWT_HS256_SECRET", kTestSecret}, {"KEK_FILE", only_new}});
    for (size_t i = 0; i < tenants.size(); ++i)
      EXPECT_EQ(read_secret(fresh.port(), tenants[i], "stripe"), secrets[i]);
    // and one that only knows the old KEK reads none: the rewrap really replaced the wrapping
    TenantdProcess stale({{"JWT_HS256_SECRET", kTestSecret}});
    auto refused = call(stale.port(), "GET", "/v1/config/integrations", admin_of(tenants[0]));
    expect_problem(refused, 503, "secrets_unavailable");
  }

  // back to the fixture's KEK for the other suites (a second rotation, the other way round)
  r = run_command({tenantd_binary(), "keys", "rotate-kek"},
                  {{"KEK_FILE", rotate_back.file}, {"MIGRATE_DATABASE_URL", migrator_url()}});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (size_t i = 0; i < tenants.size(); ++i)
    EXPECT_EQ(read_secret(server().port(), tenants[i], "stripe"), secrets[i]);
}

TEST(DataKeys, WithoutKekSecretsAreRefusedNotStoredInClear) {
  Seed a = seed_tenant("dkz", 1);
  put_secret(server().port(), a, "stripe", "sk_before_" + uniq());
  TenantdProcess no_kek({{"JWT_HS256_SECRET", kTestSecret}, {"KEK_FILE", ""}});
  const std::string secret = "sk_no_kek_" + uniq();
  auto put = call(no_kek.port(), "PUT", "/v1/config/integrations/hook", admin_of(a),
                  R"({"value": ")" + secret + R"("})");
  expect_problem(put, 503, "secrets_unavailable");
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_configs where key = 'hook' and tenant_id = " + q(a.id)),
            "0");
  expect_problem(call(no_kek.port(), "GET", "/v1/config/integrations", admin_of(a)), 503,
                 "secrets_unavailable");
  expect_problem(call(no_kek.port(), "GET", "/v1/config", admin_of(a)), 503, "secrets_unavailable");
  // configuration that is not secret works as before
  auto general = call(no_kek.port(), "PUT", "/v1/config/general/locale", admin_of(a), R"({"value": "de"})");
  EXPECT_EQ(general.status, 201) << general.body;
  // a member without config:secrets still reads the rest (integrations are not theirs to see)
  Seed m = seed_tenant("dky", 2);
  auto member = call(no_kek.port(), "GET", "/v1/config", mint_token(m.user_ids[1], m.id, "member"));
  EXPECT_EQ(member.status, 200) << member.body;
}

TEST(DataKeys, TenantKeyRotationJobResealsEverySecretAndShredsTheOldKey) {
  Seed a = seed_tenant("dkt", 1), b = seed_tenant("dku", 1);
  const std::string s1 = "sk_t1_" + uniq(), s2 = "xoxb_t2_" + uniq(), sb = "sk_b_" + uniq();
  put_secret(server().port(), a, "stripe", s1);
  put_secret(server().port(), a, "slack", s2);
  put_secret(server().port(), b, "stripe", sb);
  const std::string old_key = q1("select id from tenantd.tenant_data_keys where tenant_id = " + q(a.id));
  const std::string b_before =
      q1("select md5(string_agg(k::text, ',')) from tenantd.tenant_data_keys k where tenant_id = " +
         q(b.id)) +
      stored_value(b, "stripe");

  auto queued = run_command({tenantd_binary(), "keys", "rotate-tenant", a.slug},
                            {{"MIGRATE_DATABASE_URL", migrator_url()}});
  ASSERT_EQ(queued.exit_code, 0) << queued.output;
  const std::string job =
      q1("select max(id) from tenantd.jobs where kind = 'tenant.rotate_key' and payload ->> 'tenant_id' = " +
         q(a.id));
  ASSERT_FALSE(job.empty());
  const std::string log = source_dir() + "/var/data-keys-worker.log";
  pid_t worker = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "100"}}, log);
  const bool done = wait_for([&] {
    const std::string st = q1("select state from tenantd.jobs where id = " + job);
    return st == "completed" || st == "failed";
  });
  stop_process(worker);
  ASSERT_TRUE(done);
  ASSERT_EQ(q1("select state || coalesce(' ' || last_error, '') from tenantd.jobs where id = " + job),
            "completed");

  // one key now, a new one; every secret sealed under it and still the same secret
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_data_keys where tenant_id = " + q(a.id)), "1");
  const std::string new_key = q1("select id from tenantd.tenant_data_keys where tenant_id = " + q(a.id));
  EXPECT_NE(new_key, old_key);
  EXPECT_NE(stored_value(a, "stripe").find(new_key), std::string::npos);
  EXPECT_NE(stored_value(a, "slack").find(new_key), std::string::npos);
  // the serving process still caches the old key for writes: its write is refused, asked again
  put_secret(server().port(), a, "github", "ghp_" + uniq());
  EXPECT_NE(stored_value(a, "github").find(new_key), std::string::npos);
  EXPECT_EQ(read_secret(server().port(), a, "stripe"), s1);
  EXPECT_EQ(read_secret(server().port(), a, "slack"), s2);
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where action = 'data_key.rotated' and tenant_id = " +
               q(a.id)),
            "1");
  // B untouched
  EXPECT_EQ(q1("select md5(string_agg(k::text, ',')) from tenantd.tenant_data_keys k where tenant_id = " +
               q(b.id)) +
                stored_value(b, "stripe"),
            b_before);
  EXPECT_EQ(read_secret(server().port(), b, "stripe"), sb);
}

TEST(DataKeys, MalformedKekFileStopsStartUp) {
  const std::string bad = source_dir() + "/var/kek-malformed.keys";
  {
    std::ofstream f(bad, std::ios::trunc);
    f << "k1 too-short\n";
  }
  auto r = run_command({"/usr/bin/timeout", "30", tenantd_binary(), "serve"},
                       {{"JWT_HS256_SECRET", kTestSecret}, {"KEK_FILE", bad}, {"DATABASE_URL", app_url()}});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("KEK_FILE"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("too-short"), std::string::npos) << "the key text is never echoed";
}

}  // namespace
}  // namespace tenantd::test
