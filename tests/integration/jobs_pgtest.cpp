// The job queue against real PostgreSQL and real worker processes: transactional enqueue,
// SKIP LOCKED claims, leases, backoff, NOTIFY wake-up, a worker killed mid-job.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

// Each test uses its own kind so that parallel state from other tests never interferes.
std::string unique_kind(const std::string& prefix) {
  return "test." + prefix + "_" + util::new_uuid().substr(0, 8);
}

int64_t enqueue(pqxx::connection& c, const std::string& kind, const std::string& dedupe = "",
                int max_attempts = 5) {
  pqxx::work tx(c);
  auto r = tx.exec_params("select tenantd.enqueue_job($1, '{}'::jsonb, now(), $2, nullif($3, ''))", kind,
                          max_attempts, dedupe);
  tx.commit();
  return r[0][0].as<int64_t>();
}

std::string job_field(int64_t id, const std::string& field) {
  return admin_query("select " + field + "::text from tenantd.jobs where id = " + std::to_string(id))[0][0];
}

TEST(JobsTest, EnqueueBelongsToTheCallersTransaction) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("txn");
  {
    pqxx::work tx(c);
    tx.exec_params("select tenantd.enqueue_job($1)", kind);
    tx.abort();
  }
  EXPECT_EQ(admin_query("select count(*) from tenantd.jobs where kind = '" + kind + "'")[0][0], "0");
  enqueue(c, kind);
  EXPECT_EQ(admin_query("select count(*) from tenantd.jobs where kind = '" + kind + "'")[0][0], "1");
  // The worker role reaches the table only through the functions.
  pqxx::nontransaction tx(c);
  EXPECT_THROW(tx.exec("select count(*) from tenantd.jobs"), pqxx::insufficient_privilege);
}

TEST(JobsTest, DedupeKeyYieldsOneJob) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("dedupe");
  const std::string key = "k-" + util::new_uuid();
  std::vector<std::thread> threads;
  std::vector<int64_t> ids(20);
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      pqxx::connection own(worker_url());
      ids[static_cast<size_t>(i)] = enqueue(own, kind, key);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(admin_query("select count(*) from tenantd.jobs where kind = '" + kind + "'")[0][0], "1");
}

TEST(JobsTest, ConcurrentClaimsNeverTakeTheSameJob) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("claim");
  for (int i = 0; i < 60; ++i) enqueue(c, kind);
  std::mutex mu;
  std::vector<int64_t> claimed;
  std::vector<std::thread> threads;
  for (int w = 0; w < 6; ++w) {
    threads.emplace_back([&, w] {
      pqxx::connection own(worker_url());
      for (;;) {
        pqxx::work tx(own);
        auto r = tx.exec_params("select id from tenantd.claim_job($1, 60, array[$2])",
                                "w" + std::to_string(w), kind);
        tx.commit();
        if (r.empty()) break;
        std::lock_guard<std::mutex> lk(mu);
        claimed.push_back(r[0][0].as<int64_t>());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), 60u);
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), 60u);
}

TEST(JobsTest, ExpiredLeaseIsTakenAgainAndTheOldWorkerIsLockedOut) {
  pqxx::connection a(worker_url()), b(worker_url());
  const std::string kind = unique_kind("lease");
  const int64_t id = enqueue(a, kind);
  auto claim = [&](pqxx::connection& c, const std::string& w) {
    pqxx::work tx(c);
    auto r = tx.exec_params("select id from tenantd.claim_job($1, 1, array[$2])", w, kind);
    tx.commit();
    return r.empty() ? int64_t{0} : r[0][0].as<int64_t>();
  };
  EXPECT_EQ(claim(a, "worker-a"), id);
  EXPECT_EQ(claim(b, "worker-b"), 0);  // leased to A
  ASSERT_TRUE(wait_for([&] { return claim(b, "worker-b") == id; }, 5000));
  EXPECT_EQ(job_field(id, "attempts"), "2");
  EXPECT_EQ(job_field(id, "locked_by"), "worker-b");
  pqxx::work tx(a);
  EXPECT_FALSE(tx.exec_params("select tenantd.lock_job($1, 'worker-a')", id)[0][0].as<bool>());
  EXPECT_FALSE(tx.exec_params("select tenantd.complete_job($1, 'worker-a')", id)[0][0].as<bool>());
  tx.commit();
  pqxx::work tb(b);
  EXPECT_TRUE(tb.exec_params("select tenantd.lock_job($1, 'worker-b')", id)[0][0].as<bool>());
  EXPECT_TRUE(tb.exec_params("select tenantd.complete_job($1, 'worker-b')", id)[0][0].as<bool>());
  tb.commit();
  EXPECT_EQ(job_field(id, "state"), "completed");
}

TEST(JobsTest, FailuresBackOffWithJitterThenFail) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("backoff");
  const int64_t id = enqueue(c, kind, "", 3);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    admin_exec("update tenantd.jobs set run_at = now() where id = " + std::to_string(id));
    pqxx::work tx(c);
    auto r = tx.exec_params("select id from tenantd.claim_job('w', 60, array[$1])", kind);
    ASSERT_EQ(r.size(), 1u) << "attempt " << attempt;
    auto s = tx.exec_params("select tenantd.fail_job($1, 'w', 'boom', 1000)", id);
    tx.commit();
    if (attempt < 3) {
      EXPECT_EQ(std::string(s[0][0].c_str()), "queued");
      // base 1 s × 2^(attempt-1) × [0.5, 1)
      const double delay = std::stod(
          admin_query("select extract(epoch from run_at - updated_at) from tenantd.jobs where id = " +
                      std::to_string(id))[0][0]);
      const double full = 1.0 * (1 << (attempt - 1));
      EXPECT_GE(delay, 0.5 * full - 0.01) << attempt;
      EXPECT_LT(delay, full + 0.01) << attempt;
    } else {
      EXPECT_EQ(std::string(s[0][0].c_str()), "failed");
    }
  }
  EXPECT_EQ(job_field(id, "last_error"), "boom");
  // Only operators may retry.
  {
    pqxx::work tx(c);
    tx.exec("select set_config('app.role', 'member', true)");
    EXPECT_THROW(tx.exec_params("select tenantd.retry_job($1)", id), pqxx::sql_error);
  }
  auto out = run_command({tenantd_binary(), "jobs", "retry", std::to_string(id)},
                         {{"MIGRATE_DATABASE_URL", migrator_url()}});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(job_field(id, "state"), "queued");
  EXPECT_EQ(job_field(id, "attempts"), "0");
  auto list = run_command({tenantd_binary(), "jobs", "list", "--kind", kind},
                          {{"MIGRATE_DATABASE_URL", migrator_url()}});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find(kind), std::string::npos) << list.output;
}

TEST(JobsTest, WorkerWakesOnNotifyAndRunsTheJob) {
  // Polling set to a minute: only NOTIFY can make the job run within the bounded wait.
  const Seed s = seed_tenant("jobwake", 1);
  admin_exec("insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ('" +
             s.id + "', '" + s.user_ids[0] +
             "', gen_random_uuid()::text::bytea, now() - interval '30 days')");
  const std::string log = source_dir() + "/var/worker-wake.log";
  pid_t w = spawn_worker({{"WORKERS", "2"}, {"JOB_POLL_MS", "60000"}}, log);
  // Let the worker LISTEN before the job arrives (its first poll finds nothing).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pqxx::connection c(worker_url());
  const int64_t id = enqueue(c, "sessions.cleanup");
  EXPECT_TRUE(wait_for([&] { return job_field(id, "state") == "completed"; }));
  EXPECT_EQ(admin_query("select count(*) from tenantd.sessions where tenant_id = '" + s.id + "'")[0][0], "0");
  EXPECT_EQ(stop_process(w), 0);
}

TEST(JobsTest, UnknownKindFailsAfterItsAttempts) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("nohandler");
  const int64_t id = enqueue(c, kind, "", 2);
  const std::string log = source_dir() + "/var/worker-unknown.log";
  pid_t w = spawn_worker({{"WORKERS", "1"}, {"JOB_POLL_MS", "50"}, {"JOB_BACKOFF_BASE_MS", "10"}}, log);
  EXPECT_TRUE(wait_for([&] { return job_field(id, "state") == "failed"; }));
  EXPECT_EQ(job_field(id, "attempts"), "2");
  EXPECT_NE(job_field(id, "last_error").find("no handler"), std::string::npos);
  EXPECT_EQ(stop_process(w), 0);
}

TEST(JobsTest, KilledWorkersJobIsFinishedByAnotherAfterTheLease) {
  const Seed s = seed_tenant("jobkill", 1);
  admin_exec("insert into tenantd.sessions (tenant_id, user_id, refresh_token_hash, expires_at) values ('" +
             s.id + "', '" + s.user_ids[0] +
             "', gen_random_uuid()::text::bytea, now() - interval '30 days')");
  // Hold a lock the job needs, so the first worker is stuck inside the job's transaction.
  pqxx::connection locker(admin_url());
  pqxx::work lock_tx(locker);
  lock_tx.exec("lock table tenantd.sessions in access exclusive mode");
  pqxx::connection c(worker_url());
  const int64_t id = enqueue(c, "sessions.cleanup");
  const std::map<std::string, std::string> env = {
      {"WORKERS", "1"}, {"JOB_POLL_MS", "100"}, {"JOB_LEASE_SECONDS", "1"}};
  pid_t first = spawn_worker(env, source_dir() + "/var/worker-kill-1.log");
  ASSERT_TRUE(wait_for([&] { return job_field(id, "state") == "running"; }));
  ASSERT_TRUE(wait_for([&] {
    return admin_query(
               "select count(*) from pg_stat_activity where usename = 'tenantd_worker' and wait_event_type = "
               "'Lock'")[0][0] != "0";
  }));
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  // The dead worker's backend is still waiting; end it as a crashed client's would end.
  admin_exec(
      "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'tenantd_worker' and "
      "wait_event_type = 'Lock'");
  lock_tx.abort();
  pid_t second = spawn_worker(env, source_dir() + "/var/worker-kill-2.log");
  EXPECT_TRUE(wait_for([&] { return job_field(id, "state") == "completed"; }));
  EXPECT_EQ(job_field(id, "attempts"), "2");
  EXPECT_EQ(admin_query("select count(*) from tenantd.sessions where tenant_id = '" + s.id + "'")[0][0], "0");
  EXPECT_EQ(stop_process(second), 0);
}

TEST(JobsTest, AdminJobsEndpointIsForSuperAdmins) {
  pqxx::connection c(worker_url());
  const std::string kind = unique_kind("admin");
  enqueue(c, kind);
  enqueue(c, kind);
  const Seed s = seed_tenant("jobadmin", 1);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"WORKERS", "0"}});
  const auto sa = std::map<std::string, std::string>{
      {"Authorization", "Bearer " + mint_token("ops", std::nullopt, "super_admin")}};
  auto r = http_request(server.port(), "GET", "/v1/admin/jobs?kind=" + kind + "&state=queued&limit=1", sa);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(kind), std::string::npos);
  EXPECT_EQ(r.body.find("\"next_cursor\":null"), std::string::npos);  // two jobs, limit 1
  auto bad = http_request(server.port(), "GET", "/v1/admin/jobs?state=sleeping", sa);
  EXPECT_EQ(bad.status, 400);
  auto member =
      http_request(server.port(), "GET", "/v1/admin/jobs",
                   {{"Authorization", "Bearer " + mint_token(s.user_ids[0], s.id, "tenant_admin")}});
  EXPECT_EQ(member.status, 403);
}

}  // namespace
}  // namespace tenantd::test
