#include "db/retry_rolled_back.hpp"

#include <gtest/gtest.h>

#include <pqxx/except>
#include <stdexcept>
#include <vector>

using tenantd::db::retry_rolled_back;

TEST(RetryRolledBack, RunsAgainAfterDeadlocksAndReturnsTheResult) {
  int runs = 0;
  std::vector<int> retried;
  const int got = retry_rolled_back(
      3,
      [&] {
        if (++runs < 3) throw pqxx::deadlock_detected("ERROR:  deadlock detected");
        return 42;
      },
      [&](int attempt) { retried.push_back(attempt); });
  EXPECT_EQ(got, 42);
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(retried, (std::vector<int>{1, 2}));
}

TEST(RetryRolledBack, RunsAgainAfterASerializationFailure) {
  int runs = 0;
  retry_rolled_back(
      2,
      [&] {
        if (++runs == 1) throw pqxx::serialization_failure("ERROR:  could not serialize access");
      },
      [](int) {});
  EXPECT_EQ(runs, 2);
}

TEST(RetryRolledBack, GivesUpAfterTheLastAttemptWithTheDatabasesError) {
  int runs = 0;
  EXPECT_THROW(retry_rolled_back(
                   3,
                   [&] {
                     ++runs;
                     throw pqxx::deadlock_detected(
                         "ERROR:  canceling the transaction since it was involved in a "
                         "distributed deadlock");
                   },
                   [](int) {}),
               pqxx::deadlock_detected);
  EXPECT_EQ(runs, 3);
}

TEST(RetryRolledBack, OtherErrorsAndAnUnknownCompletionAreNotRunAgain) {
  int runs = 0;
  EXPECT_THROW(retry_rolled_back(
                   3,
                   [&] {
                     ++runs;
                     throw pqxx::sql_error("ERROR:  permission denied", "select 1", "42501");
                   },
                   [](int) {}),
               pqxx::sql_error);
  EXPECT_EQ(runs, 1);
  runs = 0;
  EXPECT_THROW(retry_rolled_back(
                   3,
                   [&] {
                     ++runs;
                     throw pqxx::statement_completion_unknown("commit outcome unknown");
                   },
                   [](int) {}),
               pqxx::statement_completion_unknown);
  EXPECT_EQ(runs, 1);
  runs = 0;
  EXPECT_THROW(retry_rolled_back(
                   3,
                   [&] {
                     ++runs;
                     throw std::runtime_error("a handler's own failure");
                   },
                   [](int) {}),
               std::runtime_error);
  EXPECT_EQ(runs, 1);
}
