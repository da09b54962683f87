// The pool and the tenant transaction against real PostgreSQL, directly and through a real
// tenantd: context never outlives its transaction, broken connections are replaced, a pool
// that stays busy answers 503 with Retry-After, shutdown is clean.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "db/api_call.hpp"
#include "db/pool.hpp"
#include "db/statement_mode.hpp"
#include "http/problem.hpp"
#include "support.hpp"
#include "util/uuid.hpp"

namespace tenantd::test {
namespace {

int backend_pid(pqxx::connection& c) {
  return c.backendpid();
}

std::string setting_outside_tx(pqxx::connection& c, const std::string& name) {
  pqxx::nontransaction tx(c);
  auto r = tx.exec("select coalesce(current_setting('" + name + "', true), '<unset>')");
  return r[0][0].c_str();
}

// The context an api.* call carries (what the dispatcher builds): a member of `s`, and
// optionally more tenant references.
std::string call_context(const Seed& s, const std::string& extra_ref = "") {
  return R"({"request_id":"pool-test","route":"test","client":"127.0.0.1","refs":[")" + s.id + R"(")" +
         (extra_ref.empty() ? "" : R"(,")" + extra_ref + R"(")") + R"(],"user_id":")" + s.user_ids[0] +
         R"(","role":"member","subject":")" + s.user_ids[0] + R"("})";
}

const std::vector<db::Arg> kFirstPage = {"10", std::nullopt, std::nullopt, std::nullopt};

// One call is one autocommit statement: the context it entered (permissions and email
// included) is gone when it returns, on the same connection, in both statement modes; a
// refused context leaves no open transaction behind.
TEST(PoolTest, ContextEndsWithTheStatement) {
  Seed a = seed_tenant("poolctx", 2);
  for (bool prepared : {true, false}) {
    db::set_prepared_statements(prepared);
    db::ConnectionPool pool(app_url(), 1, std::chrono::milliseconds(2000));
    int pid = 0;
    {
      auto lease = pool.acquire();
      pid = backend_pid(lease.conn());
    }
    auto reply = db::call_api(pool, "api.list_members", call_context(a), kFirstPage, true);
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find(a.user_ids[1]), std::string::npos) << reply.body;
    {
      // Same physical connection (pool of one), no transaction: nothing of tenant A remains.
      auto lease = pool.acquire();
      EXPECT_EQ(backend_pid(lease.conn()), pid);
      for (const char* g : {"app.tenant_id", "app.user_id", "app.role", "app.request_id", "app.permissions",
                            "app.user_email", "app.client", "app.route"}) {
        const std::string v = setting_outside_tx(lease.conn(), g);
        EXPECT_TRUE(v.empty() || v == "<unset>") << g << " = " << v;
      }
      pqxx::nontransaction tx(lease.conn());
      EXPECT_EQ(tx.exec("select count(*) from tenantd.memberships")[0][0].as<int>(), 0);
    }
    // A refused context (a second tenant named) raises and leaves nothing open.
    try {
      db::call_api(pool, "api.list_members", call_context(a, util::new_uuid()), kFirstPage, true);
      ADD_FAILURE() << "a context naming an unknown tenant was accepted";
    } catch (const pqxx::sql_error& e) {
      EXPECT_EQ(e.sqlstate(), "TDN05");
    }
    auto lease = pool.acquire();
    pqxx::nontransaction tx(lease.conn());
    EXPECT_EQ(
        std::string(tx.exec("select coalesce(current_setting('app.tenant_id', true), '')")[0][0].c_str()),
        "");
    // Not inside a leftover transaction: now() moves between statements only outside one.
    auto t1 = tx.exec("select now()::text")[0][0].as<std::string>();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto t2 = tx.exec("select now()::text")[0][0].as<std::string>();
    EXPECT_NE(t1, t2);
  }
  db::set_prepared_statements(true);
}

TEST(PoolTest, DirectTerminatedConnectionIsReplaced) {
  Seed a = seed_tenant("poolterm", 2);
  db::ConnectionPool pool(app_url(), 1, std::chrono::milliseconds(2000));
  int old_pid = 0;
  {
    auto lease = pool.acquire();
    old_pid = backend_pid(lease.conn());
  }
  admin_exec("select pg_terminate_backend(" + std::to_string(old_pid) + ")");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // a read is sent again on a new connection
  auto reply = db::call_api(pool, "api.list_members", call_context(a), kFirstPage, true);
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find(a.user_ids[1]), std::string::npos) << reply.body;
  auto lease = pool.acquire();
  EXPECT_NE(backend_pid(lease.conn()), old_pid);
}

TEST(PoolTest, HttpRequestsSucceedAfterEveryAppConnectionIsTerminated) {
  Seed a = seed_tenant("poolhttp", 3);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"DB_POOL_SIZE", "3"}});
  const auto auth = std::map<std::string, std::string>{
      {"Authorization", "Bearer " + mint_token(a.user_ids[0], a.id, "member")}};
  for (int i = 0; i < 10; ++i) ASSERT_EQ(http_request(server.port(), "GET", "/v1/users", auth).status, 200);
  auto killed = admin_query(
      "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = 'tenantd_app' and "
      "datname = 'tenantd'");
  EXPECT_GE(std::stoi(killed[0][0]), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 20; ++i) {
    auto r = http_request(server.port(), "GET", "/v1/users", auth);
    EXPECT_EQ(r.status, 200) << "request " << i << " after terminate: " << r.body;
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST(PoolTest, BusyPoolAnswers503WithRetryAfter) {
  Seed a = seed_tenant("poolbusy", 2);
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret},
                         {"DB_POOL_SIZE", "1"},
                         {"DB_ACQUIRE_TIMEOUT_MS", "300"},
                         {"HTTP_THREADS", "4"}});
  const auto auth = std::map<std::string, std::string>{
      {"Authorization", "Bearer " + mint_token(a.user_ids[0], a.id, "member")}};
  ASSERT_EQ(http_request(server.port(), "GET", "/v1/users", auth).status, 200);
  // Hold a lock that the list query needs, so the only pooled connection stays busy.
  pqxx::connection locker(admin_url());
  pqxx::work lock_tx(locker);
  lock_tx.exec("lock table tenantd.memberships in access exclusive mode");
  auto blocked =
      std::async(std::launch::async, [&] { return http_request(server.port(), "GET", "/v1/users", auth); });
  // Wait (bounded) until the blocked request holds the connection and waits on the lock.
  bool waiting = false;
  for (int i = 0; i < 100 && !waiting; ++i) {
    auto r = admin_query(
        "select count(*) from pg_stat_activity where usename = 'tenantd_app' and wait_event_type = 'Lock'");
    waiting = r[0][0] != "0";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(waiting);
  auto busy = http_request(server.port(), "GET", "/v1/users", auth);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(busy.header("retry-after"), "1");
  EXPECT_EQ(busy.header("content-type"), "application/problem+json");
  EXPECT_NE(busy.body.find("database_busy"), std::string::npos);
  lock_tx.abort();
  EXPECT_EQ(blocked.get().status, 200);
}

TEST(PoolTest, ReadyzIs503WhenMigrationsArePendingOrTheDatabaseIsDown) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tenantd-ready-" + util::new_uuid().substr(0, 8));
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(source_dir() + "/migrations"))
    fs::copy(e.path(), dir / e.path().filename());
  std::ofstream(dir / "9999_not_yet.sql") << "select 1;\n";
  {
    TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}, {"MIGRATIONS_DIR", dir.string()}});
    auto r = http_request(server.port(), "GET", "/readyz");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_NE(r.body.find("migrations_pending"), std::string::npos);
  }
  {
    TenantdProcess server(
        {{"JWT_HS256_SECRET", kTestSecret},
         {"DATABASE_URL", "postgresql://tenantd_app@127.0.0.1:" + std::to_string(free_port()) + "/tenantd"}});
    EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
    auto r = http_request(server.port(), "GET", "/readyz");
    EXPECT_EQ(r.status, 503) << r.body;
    // A data request with the database down is a 503 problem, never a 500.
    const Seed s = seed_tenant("down", 1);
    auto d = http_request(server.port(), "GET", "/v1/users",
                          {{"Authorization", "Bearer " + mint_token(s.user_ids[0], s.id, "member")}});
    EXPECT_EQ(d.status, 503) << d.body;
  }
  fs::remove_all(dir);
}

TEST(PoolTest, SigtermShutsDownCleanly) {
  TenantdProcess server({{"JWT_HS256_SECRET", kTestSecret}});
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(server.stop(), 0);
  EXPECT_NE(server.log().find("\"msg\":\"stopped\""), std::string::npos);
}

TEST(PoolTest, BadConfigurationStopsStartUp) {
  auto r =
      run_command({tenantd_binary(), "serve"}, {{"DB_POOL_SIZE", "lots"}, {"JWT_HS256_SECRET", kTestSecret}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("DB_POOL_SIZE"), std::string::npos) << r.output;
  auto nokey = run_command({tenantd_binary(), "serve"}, {{"JWT_HS256_SECRET", ""}});
  EXPECT_EQ(nokey.exit_code, 2);
}

}  // namespace
}  // namespace tenantd::test
