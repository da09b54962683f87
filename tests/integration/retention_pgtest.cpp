// Retention over real HTTP, a real tenantd, a real worker and real PostgreSQL: GET/PUT
// /v1/retention keep a tenant's setting within its plan's bounds (422 retention_out_of_bounds,
// 422 invalid_retention, 403 for a member), a downgrade clamps the effective value, and the
// 'retention.sweep' job run by a `tenantd worker` deletes the rows past the tenant's retention in
// several committed steps, leaves another tenant's rows alone and logs the counts.
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

// The member `field` of retention.<kind> in a GET/PUT answer, as text ("" when absent).
std::string kind_field(const std::string& body, const char* kind, const char* field) {
  auto d = parse(body);
  if (!d.IsObject() || !d.HasMember("retention") || !d["retention"].IsObject()) return "";
  const auto& r = d["retention"];
  if (!r.HasMember(kind) || !r[kind].IsObject() || !r[kind].HasMember(field)) return "";
  const auto& v = r[kind][field];
  if (v.IsInt()) return std::to_string(v.GetInt());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNull()) return "null";
  return "?";
}

TEST(Retention, SettingsStayWithinThePlansBoundsAndADowngradeClampsThem) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  Seed a = seed_tenant("reta", 2);
  admin_exec("update tenantd.tenants set plan = 'free' where id = " + q(a.id));
  const std::string admin = mint_token(a.user_ids[0], a.id, "tenant_admin");
  const std::string member = mint_token(a.user_ids[1], a.id, "member");
  auto call = [&](const std::string& method, const std::string& path, const std::string& tok,
                  const std::string& body = "") {
    Headers h = bearer(tok);
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(server.port(), method, path, h, body);
  };

  auto got = call("GET", "/v1/retention", admin);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(str(parse(got.body), "plan"), "free");
  EXPECT_EQ(kind_field(got.body, "audit_log", "days"), "90");
  EXPECT_EQ(kind_field(got.body, "audit_log", "max_days"), "90");
  EXPECT_EQ(kind_field(got.body, "audit_log", "setting"), "null");

  // out of the free plan's bounds (audit log 30 to 90 days): 422 with the bounds in the answer
  auto over = call("PUT", "/v1/retention", admin, R"({"audit_log": 2555})");
  expect_problem(over, 422, "retention_out_of_bounds");
  auto p = parse(over.body);
  EXPECT_NE(str(p, "detail").find("30 to 90 days"), std::string::npos) << over.body;
  EXPECT_EQ(str(p, "field"), "audit_log") << over.body;
  EXPECT_TRUE(p.HasMember("max_days") && p["max_days"].IsInt() && p["max_days"].GetInt() == 90) << over.body;
  expect_problem(call("PUT", "/v1/retention", admin, R"({"sessions": 0})"), 422, "retention_out_of_bounds");
  expect_problem(call("PUT", "/v1/retention", admin, R"({"webhooks": 30})"), 422, "invalid_retention");
  expect_problem(call("PUT", "/v1/retention", admin, R"({"audit_log": "60"})"), 422, "invalid_retention");
  expect_problem(call("PUT", "/v1/retention", admin, R"({"audit_log": 1e400})"), 400);
  expect_problem(call("PUT", "/v1/retention", admin), 400, "body_required");
  EXPECT_EQ(q1("select count(*) from tenantd.retention_settings where tenant_id = " + q(a.id)), "0");

  // a member reads but may not change it
  EXPECT_EQ(call("GET", "/v1/retention", member).status, 200);
  expect_problem(call("PUT", "/v1/retention", member, R"({"audit_log": 60})"), 403);
  EXPECT_EQ(q1("select count(*) from tenantd.retention_settings where tenant_id = " + q(a.id)), "0");

  auto put = call("PUT", "/v1/retention", admin, R"({"audit_log": 60})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(kind_field(put.body, "audit_log", "days"), "60");
  EXPECT_EQ(q1("select count(*) from tenantd.audit_log where action = 'retention.updated' and tenant_id = " +
               q(a.id)),
            "1");

  // on enterprise the admin keeps the audit log 7 years; back on free the plan's 90 days apply
  admin_exec("update tenantd.tenants set plan = 'enterprise' where id = " + q(a.id));
  auto long_put = call("PUT", "/v1/tenants/" + a.id + "/retention", admin, R"({"audit_log": 2555})");
  ASSERT_EQ(long_put.status, 200) << long_put.body;
  EXPECT_EQ(kind_field(long_put.body, "audit_log", "days"), "2555");
  admin_exec("update tenantd.tenants set plan = 'free' where id = " + q(a.id));
  auto clamped = call("GET", "/v1/retention", admin);
  ASSERT_EQ(clamped.status, 200) << clamped.body;
  EXPECT_EQ(kind_field(clamped.body, "audit_log", "days"), "90");
  EXPECT_EQ(kind_field(clamped.body, "audit_log", "setting"), "2555");
  EXPECT_EQ(kind_field(clamped.body, "audit_log", "clamped"), "true");

  // another tenant's admin reaches nothing of A's
  Seed b = seed_tenant("retb", 1);
  const std::string admin_b = mint_token(b.user_ids[0], b.id, "tenant_admin");
  expect_problem(call("PUT", "/v1/tenants/" + a.id + "/retention", admin_b, R"({"audit_log": 30})"), 403);
  EXPECT_EQ(
      q1("select days from tenantd.retention_settings where data = 'audit_log' and tenant_id = " + q(a.id)),
      "2555");
}

TEST(Retention, TheSweepJobDeletesExpiredRowsInCommittedStepsThroughAWorker) {
  Seed a = seed_tenant("rsweepa", 1);
  Seed b = seed_tenant("rsweepb", 1);
  admin_exec("update tenantd.tenants set plan = 'free' where id = " + q(a.id));  // audit log: 90 days
  admin_exec("update tenantd.tenants set plan = 'pro' where id = " + q(b.id));   // audit log: 365 days
  // A: 30 audit rows past 90 days and 5 recent ones; B: 30 rows of 200 days, within pro's 365
  admin_exec("insert into tenantd.audit_log (tenant_id, action, at) select " + q(a.id) +
             ", 'probe.old', now() - interval '200 days' from generate_series(1, 30)");
  admin_exec("insert into tenantd.audit_log (tenant_id, action, at) select " + q(a.id) +
             ", 'probe.new', now() - interval '10 days' from generate_series(1, 5)");
  admin_exec("insert into tenantd.audit_log (tenant_id, action, at) select " + q(b.id) +
             ", 'probe.old', now() - interval '200 days' from generate_series(1, 30)");
  // A: a session that ended 10 days ago (free keeps ended sessions 7 days)
  admin_exec("insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at) values (" +
             q(a.id) + ", " + q(a.user_ids[0]) + ", '\\x" + uniq() + "', now() - interval '10 days')");
  // Today's daily sweep (queued by the worker's scheduling, 5000 rows a step) waits an hour, so
  // that this test's sweep of 7 rows a step does the work alone; it is due again at the end.
  const std::string daily = q1("select tenantd.enqueue_retention_sweep()");
  admin_exec("update tenantd.jobs set run_at = now() + interval '1 hour' where state = 'queued' and id = " +
             daily);
  struct DailyDueAgain {
    std::string id;
    ~DailyDueAgain() {
      admin_exec("update tenantd.jobs set run_at = now() where state = 'queued' and id = " + id);
    }
  } daily_due_again{daily};
  const std::string last_log = q1("select coalesce(max(id), 0) from tenantd.platform_log");
  const std::string last_job = q1("select coalesce(max(id), 0) from tenantd.jobs");
  admin_exec("select tenantd.enqueue_job('retention.sweep', '{\"batch\": 7}', now(), 10)");

  const std::string log = source_dir() + "/var/retention-worker.log";
  pid_t w = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}}, log);
  struct StopOnExit {
    pid_t& pid;
    ~StopOnExit() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } stop_w{w};
  const bool finished = wait_for(
      [&] {
        return q1("select count(*) from tenantd.jobs where kind = 'retention.sweep' and id > " + last_job +
                  " and state <> 'completed'") == "0" &&
               q1("select count(*) > 0 from tenantd.platform_log where event = 'retention.sweep' and id > " +
                  last_log) == "t";
      },
      60000);
  stop_process(w);
  w = -1;
  ASSERT_TRUE(finished) << "the sweep did not finish; worker log: " << log;

  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'probe.old' and tenant_id = " + q(a.id)),
      "0");
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'probe.new' and tenant_id = " + q(a.id)),
      "5");
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'probe.old' and tenant_id = " + q(b.id)),
      "30");
  EXPECT_EQ(q1("select count(*) from tenantd.sessions where tenant_id = " + q(a.id) +
               " and expires_at < now() - interval '7 days'"),
            "0");
  // several jobs, each one step committed on its own (30 rows at 7 a step)
  EXPECT_GE(
      std::stoi(q1("select count(*) from tenantd.jobs where kind = 'retention.sweep' and id > " + last_job)),
      5);
  // the counts, per tenant and table, in the platform log (however many sweeps shared the work)
  EXPECT_EQ(
      q1("select sum((details ->> 'deleted')::int) from tenantd.platform_log where event = "
         "'retention.swept' and id > " +
         last_log + " and tenant_id_text = " + q(a.id) + " and details ->> 'table' = 'tenantd.audit_log'"),
      "30");
  EXPECT_EQ(
      q1("select sum((details ->> 'deleted')::int) from tenantd.platform_log where event = "
         "'retention.swept' and id > " +
         last_log + " and tenant_id_text = " + q(a.id) + " and details ->> 'table' = 'tenantd.sessions'"),
      "1");
  EXPECT_EQ(q1("select count(*) from tenantd.platform_log where event = 'retention.swept' and id > " +
               last_log + " and tenant_id_text = " + q(b.id)),
            "0");
  EXPECT_EQ(q1("select count(*) from tenantd.platform_log where id > " + last_log +
               " and details::text like '%probe.%'"),
            "0")
      << "the log holds counts, not contents";
}

TEST(Retention, ASweepWhoseWorkerIsKilledMidwayFinishesWithExactCounts) {
  Seed a = seed_tenant("rkilla", 1);
  admin_exec("update tenantd.tenants set plan = 'free' where id = " + q(a.id));
  admin_exec("insert into tenantd.audit_log (tenant_id, action, at) select " + q(a.id) +
             ", 'probe.old', now() - interval '200 days' from generate_series(1, 30)");
  admin_exec("insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at) values (" +
             q(a.id) + ", " + q(a.user_ids[0]) + ", '\\x" + uniq() + "', now() - interval '10 days')");
  // usage detail past the free plan's 90 days: the last kind the sweep visits, and (events being
  // reported at most 7 days late) only this test makes such rows
  admin_exec("insert into tenantd.usage_events (tenant_id, id, metric, value, occurred_at) values (" +
             q(a.id) + ", 'rkill-" + uniq() + "', 'probe', 1, now() - interval '200 days')");
  const std::string daily = q1("select tenantd.enqueue_retention_sweep()");
  admin_exec("update tenantd.jobs set run_at = now() + interval '1 hour' where state = 'queued' and id = " +
             daily);
  struct DailyDueAgain {
    std::string id;
    ~DailyDueAgain() {
      admin_exec("update tenantd.jobs set run_at = now() where state = 'queued' and id = " + id);
    }
  } daily_due_again{daily};
  const std::string last_log = q1("select coalesce(max(id), 0) from tenantd.platform_log");
  const std::string last_job = q1("select coalesce(max(id), 0) from tenantd.jobs");
  admin_exec("select tenantd.enqueue_job('retention.sweep', '{\"batch\": 7}', now(), 10)");

  // hold the sweep at A's usage event (a row lock: other tenants' deletes go on); A's audit rows
  // and session go before it
  pqxx::connection holder(admin_url());
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("select 1 from tenantd.usage_events where tenant_id = " + q(a.id) + " for update");
  pid_t w1 = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"JOB_LEASE_SECONDS", "1"}},
                          source_dir() + "/var/retention-kill-1.log");
  struct KillOnExit {
    pid_t& pid;
    ~KillOnExit() {
      if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } kill_w1{w1};
  // on Citus the delete waits on the worker that holds A's shard: its statement there names the
  // shard (usage_events_<id>), and citus_stat_activity shows every node's backends
  const bool citus = q1("select count(*) from pg_extension where extname = 'citus'") == "1";
  const std::string waiting =
      citus
          ? "select exists (select 1 from citus_stat_activity where wait_event_type = 'Lock' and query ilike "
            "'%delete from tenantd.usage_events%')"
          : "select exists (select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like "
            "'%retention_step%')";
  const bool held = wait_for([&] { return q1(waiting) == "t"; });
  ASSERT_TRUE(held) << "the sweep never reached the usage events";
  // the steps before the held one committed on their own (7 rows each: most of A's audit rows are
  // gone); the held step, which also deletes, is the one the kill rolls back
  EXPECT_GE(std::stoi(q1("select count(*) from tenantd.jobs where kind = 'retention.sweep' and state = "
                         "'completed' and id > " +
                         last_job)),
            1);
  EXPECT_LT(
      std::stoi(
          q1("select count(*) from tenantd.audit_log where action = 'probe.old' and tenant_id = " + q(a.id))),
      30);
  kill(w1, SIGKILL);
  waitpid(w1, nullptr, 0);
  w1 = -1;
  hold->abort();
  hold.reset();

  pid_t w2 =
      spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}}, source_dir() + "/var/retention-kill-2.log");
  const bool finished = wait_for(
      [&] {
        return q1("select count(*) from tenantd.jobs where kind = 'retention.sweep' and id > " + last_job +
                  " and state <> 'completed'") == "0" &&
               q1("select count(*) > 0 from tenantd.platform_log where event = 'retention.sweep' and id > " +
                  last_log) == "t";
      },
      60000);
  stop_process(w2);
  ASSERT_TRUE(finished) << "the sweep did not finish after the restart";
  EXPECT_EQ(
      q1("select count(*) from tenantd.audit_log where action = 'probe.old' and tenant_id = " + q(a.id)),
      "0");
  EXPECT_EQ(q1("select count(*) from tenantd.sessions where tenant_id = " + q(a.id) +
               " and expires_at < now() - interval '7 days'"),
            "0");
  EXPECT_EQ(q1("select count(*) from tenantd.usage_events where tenant_id = " + q(a.id)), "0");
  // the killed step was rolled back and done again: every row counted once
  EXPECT_EQ(
      q1("select sum((details ->> 'deleted')::int) from tenantd.platform_log where event = "
         "'retention.swept' and id > " +
         last_log + " and tenant_id_text = " + q(a.id) + " and details ->> 'table' = 'tenantd.audit_log'"),
      "30");
  EXPECT_EQ(
      q1("select sum((details ->> 'deleted')::int) from tenantd.platform_log where event = "
         "'retention.swept' and id > " +
         last_log + " and tenant_id_text = " + q(a.id) + " and details ->> 'table' = 'tenantd.sessions'"),
      "1");
  EXPECT_EQ(
      q1("select sum((details ->> 'deleted')::int) from tenantd.platform_log where event = "
         "'retention.swept' and id > " +
         last_log + " and tenant_id_text = " + q(a.id) + " and details ->> 'table' = 'tenantd.usage_events'"),
      "1");
  EXPECT_EQ(
      q1("select count(*) from tenantd.platform_log where event = 'retention.sweep' and id > " + last_log),
      "1");
}

}  // namespace
}  // namespace tenantd::test
