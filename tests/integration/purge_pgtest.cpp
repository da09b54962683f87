// Purging a tenant over real HTTP, a real tenantd, real workers and real PostgreSQL: tenant A
// among 50 tenants is soft-deleted, purged by a platform operator, and a worker is killed with
// SIGKILL in the middle of the purge (held at a lock the test takes, so the moment is certain,
// not timed). A second worker finishes. Afterwards nothing of A is left in any tenant table
// (introspected), its data key was shredded first, a tombstone and a platform log line remain,
// and every other tenant's rows are exactly as before (digest of every tenant table).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <pqxx/pqxx>

#include "support.hpp"

namespace tenantd::test {
namespace {

std::string q(const std::string& s) {
  return "'" + s + "'";
}

// Every row of every tenant table (schema tenantd, a tenant_id column), and the tenants and users
// tables, except tenant `skip`'s rows: one digest, found by introspection like the purge.
// Events are appended by every status change, the purge's own jobs included (as platform events,
// without a tenant): only the events up to `last_event` must be exactly as they were.
std::string digest_without(const std::string& skip, const std::string& last_event) {
  return q1(
      "select md5(string_agg(d, ',' order by d)) from ("
      "  select c.oid::regclass::text || '=' || (xpath('/row/d/text()', query_to_xml(format("
      "    'select md5(coalesce(string_agg(t::text, '','' order by t::text), '''')) as d from %s t "
      "     where tenant_id is distinct from %L%s', c.oid::regclass, " +
      q(skip) + ", case when c.oid = 'tenantd.events'::regclass then ' and id <= ' || " + last_event +
      " else '' end), false, true, '')))[1]::text as d"
      "    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'"
      "   where c.relnamespace = 'tenantd'::regnamespace and c.relkind in ('r', 'p')"
      "  union all select 'tenants=' || md5(string_agg(t::text, ',' order by t.id)) from tenantd.tenants t "
      "where id <> " +
      q(skip) +
      "  union all select 'users=' || md5(string_agg(u::text, ',' order by u.id)) from tenantd.users u) x");
}

// Rows of `tenant` left in all tenant tables together.
std::string rows_of(const std::string& tenant) {
  return q1(
      "select sum((xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %s where tenant_id "
      "= %L', "
      "c.oid::regclass, " +
      q(tenant) +
      "), false, true, '')))[1]::text::int) from pg_class c join pg_attribute a on a.attrelid = c.oid and "
      "a.attname = 'tenant_id' where c.relnamespace = 'tenantd'::regnamespace and c.relkind in ('r', 'p')");
}

TEST(Purge, OperatorPurgesATenantAmongFiftyResumingAfterAKilledWorker) {
  // no usage metering: its flush would change usage_daily rows while the digests are taken
  TenantdProcess server(
      {{"JWT_HS256_SECRET", kTestSecret}, {"DB_POOL_SIZE", "4"}, {"USAGE_METERING_ENABLED", "false"}});
  Seed a = seed_tenant("purgea", 3);
  std::vector<Seed> others;
  for (int i = 0; i < 49; ++i) others.push_back(seed_tenant("purgeo", 2));
  const std::string admin_a = mint_token(a.user_ids[0], a.id, "tenant_admin");
  const std::string ops = mint_token("ops-purger", std::nullopt, "super_admin");
  auto call = [&](const std::string& method, const std::string& path, const std::string& tok,
                  const std::string& body = "") {
    Headers h = bearer(tok);
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(server.port(), method, path, h, body);
  };
  // A has configuration, a sealed secret (so a data key), audit rows
  for (int i = 0; i < 12; ++i) {
    auto r = call("PUT", "/v1/config/general/k" + std::to_string(i), admin_a, R"({"value": "a-data"})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_EQ(call("PUT", "/v1/config/integrations/stripe", admin_a, R"({"value": "sk_purge_me"})").status,
            201);
  ASSERT_EQ(q1("select count(*) from tenantd.tenant_data_keys where tenant_id = " + q(a.id)), "1");
  // one of the others holds a secret too (its key must survive)
  const std::string admin_o = mint_token(others[0].user_ids[0], others[0].id, "tenant_admin");
  ASSERT_EQ(call("PUT", "/v1/config/integrations/stripe", admin_o, R"({"value": "sk_keep_me"})").status, 201);

  const std::string purge = "/v1/tenants/" + a.id + "/purge";
  // refusals: not deleted yet, not an operator, wrong confirmation
  expect_problem(call("POST", purge, ops, R"({"confirm": ")" + a.slug + R"("})"), 409, "invalid_state");
  ASSERT_EQ(call("DELETE", "/v1/tenants/" + a.id, ops).status, 204);
  expect_problem(call("POST", purge, admin_a, R"({"confirm": ")" + a.slug + R"("})"), 403);
  expect_problem(call("POST", purge, ops, R"({"confirm": "not-the-slug"})"), 422, "confirmation_mismatch");
  expect_problem(call("POST", purge, ops, R"({})"), 400, "missing_field");
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_tombstones where id = " + q(a.id)), "0");

  const std::string last_event = q1("select coalesce(max(id), 0) from tenantd.events");
  const std::string before = digest_without(a.id, last_event);
  const std::string a_rows_before = rows_of(a.id);
  ASSERT_GT(std::stoi(a_rows_before), 20);

  auto accepted = call("POST", purge, ops, R"({"confirm": ")" + a.slug + R"("})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(str(parse(accepted.body), "status"), "purging");
  // a second request is no second purge
  EXPECT_EQ(call("POST", purge, ops, R"({"confirm": ")" + a.slug + R"("})").status, 202);
  EXPECT_EQ(q1("select count(*) from tenantd.jobs where dedupe_key = 'tenant.purge:" + a.id + "'"), "1");

  const std::string a_rows_at_start = rows_of(a.id);  // the operator's requests added audit rows
  // Jobs other tests left queued or running (provisioning writes tenant_configs too) wait an
  // hour: with one worker thread, one of them blocked at the lock below would keep the purge
  // from ever starting.
  admin_query(
      "update tenantd.jobs set run_at = now() + interval '1 hour', lease_until = case when state = 'running' "
      "then now() + interval '1 hour' else lease_until end where state in ('queued', 'running') and kind <> "
      "'tenant.purge'");
  // hold the purge at tenant_configs: deletes there wait, reads go on
  pqxx::connection holder(admin_url());
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("lock table tenantd.tenant_configs in exclusive mode");
  const std::string log1 = source_dir() + "/var/purge-worker-1.log";
  pid_t w1 = spawn_worker(
      {{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"JOB_LEASE_SECONDS", "1"}, {"PURGE_BATCH_ROWS", "2"}}, log1);
  // a failed assertion below returns early: the worker must not outlive the test and take the
  // next tests' jobs
  struct KillOnExit {
    pid_t& pid;
    ~KillOnExit() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } kill_w1{w1};
  // held: A's purge has committed batches and a purge step waits at the lock
  const bool held = wait_for([&] {
    return q1("select (row_counts ? 'tenantd.audit_log') and exists (select 1 from pg_stat_activity where "
              "wait_event_type = 'Lock' and query like '%purge_step%') from tenantd.tenant_tombstones where "
              "id = " +
              q(a.id)) == "t";
  });
  ASSERT_TRUE(held) << "the purge never reached tenant_configs";
  // mid-purge: the data key went first, some tables are done and committed, the tenant is still there
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_data_keys where tenant_id = " + q(a.id)), "0");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where tenant_id = " + q(a.id)), "0");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where id = " + q(a.id)), "1");
  EXPECT_EQ(q1("select purged_at is null from tenantd.tenant_tombstones where id = " + q(a.id)), "t");
  EXPECT_NE(
      q1("select row_counts ->> 'tenantd.audit_log' from tenantd.tenant_tombstones where id = " + q(a.id)),
      "");

  kill(w1, SIGKILL);
  waitpid(w1, nullptr, 0);
  w1 = -1;
  hold->abort();  // the killed worker's transaction rolls back when its backend finds it gone
  hold.reset();

  const std::string log2 = source_dir() + "/var/purge-worker-2.log";
  pid_t w2 = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"PURGE_BATCH_ROWS", "2"}}, log2);
  const bool finished = wait_for(
      [&] {
        return q1("select purged_at is not null from tenantd.tenant_tombstones where id = " + q(a.id)) == "t";
      },
      60000);
  stop_process(w2);
  ASSERT_TRUE(finished) << "the purge did not finish after the restart";

  // nothing of A in any tenant table, nor the tenant; the rest exactly as before
  EXPECT_EQ(rows_of(a.id), "0");
  EXPECT_EQ(q1("select count(*) from tenantd.tenants where id = " + q(a.id)), "0");
  EXPECT_EQ(digest_without(a.id, last_event), before) << "another tenant's rows changed";
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_data_keys where tenant_id = " + q(others[0].id)), "1");
  // the tombstone: id, slug hash, dates, counts adding up to what A had
  EXPECT_EQ(q1("select slug_sha256 = sha256(convert_to(" + q(a.slug) +
               ", 'UTF8')) and deleted_at is not null and requested_by = 'ops-purger' "
               "from tenantd.tenant_tombstones where id = " +
               q(a.id)),
            "t");
  EXPECT_EQ(
      q1("select sum(value::text::int) from tenantd.tenant_tombstones, jsonb_each(row_counts) where id = " +
         q(a.id)),
      a_rows_at_start)
      << q1("select row_counts::text from tenantd.tenant_tombstones where id = " + q(a.id));
  EXPECT_EQ(
      q1("select count(*) from tenantd.platform_log where event = 'tenant.purged' and tenant_id_text = " +
         q(a.id)),
      "1");
  EXPECT_EQ(q1("select count(*) from tenantd.tenant_tombstones t, tenantd.platform_log l where t.id = " +
               q(a.id) + " and (t::text like '%" + a.slug + "%' or l::text like '%" + a.slug + "%')"),
            "0")
      << "the slug is kept only as a hash";
  expect_problem(call("GET", "/v1/tenants/" + a.id, ops), 404);
  // the other tenants still work, their secrets included
  auto other = call("GET", "/v1/config/integrations", admin_o);
  EXPECT_EQ(other.status, 200);
  EXPECT_NE(other.body.find("sk_keep_me"), std::string::npos);
}

}  // namespace
}  // namespace tenantd::test
