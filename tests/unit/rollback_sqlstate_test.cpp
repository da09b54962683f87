#include "db/rollback_sqlstate.hpp"

#include <gtest/gtest.h>

#include "http/problem_table.hpp"

using tenantd::problem_for_sqlstate;
using tenantd::db::rollback_sqlstate;

// A deadlock or a serialization failure is the database asking for a retry, not a server bug:
// 503 retry (with Retry-After from the dispatcher), never 500.
TEST(RollbackSqlstate, DeadlockAndSerializationFailureAreRetries) {
  EXPECT_EQ(rollback_sqlstate(pqxx::deadlock_detected("deadlock detected")), "40P01");
  EXPECT_EQ(rollback_sqlstate(pqxx::serialization_failure("could not serialize")), "40001");
  for (const char* s : {"40P01", "40001"}) {
    EXPECT_EQ(problem_for_sqlstate(s).status, 503) << s;
    EXPECT_STREQ(problem_for_sqlstate(s).code, "retry") << s;
  }
}

// Whether the statement took effect is unknown: not a retry the service can promise is safe.
TEST(RollbackSqlstate, CompletionUnknownIsNotCalledARetry) {
  EXPECT_EQ(rollback_sqlstate(pqxx::statement_completion_unknown("lost")), "40003");
  EXPECT_STRNE(problem_for_sqlstate("40003").code, "retry");
  EXPECT_EQ(rollback_sqlstate(pqxx::transaction_rollback("rolled back")), "40000");
}
