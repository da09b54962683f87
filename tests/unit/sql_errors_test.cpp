// The one SQLSTATE table: every data-class error that client input can provoke is a 4xx.
#include "db/sql_errors.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tenantd::db {
namespace {

// PostgreSQL 15's class 22 (data exception) and class 54 (program limit exceeded), all of them
// (errcodes.txt). Each is reachable only through a value; none may answer 5xx.
const char* const kClass22[] = {
    "22000", "2202E", "22021", "22008", "22012", "22005", "2200B", "22022", "22015", "2201E",
    "22014", "22016", "2201F", "2201G", "22018", "22007", "22019", "2200D", "22025", "22P06",
    "22010", "22023", "22013", "2201B", "2201W", "2201X", "2202H", "2202G", "22009", "2200C",
    "2200G", "22004", "22002", "22003", "22026", "22001", "22011", "22027", "22024", "2200F",
    "22P01", "22P02", "22P03", "22P04", "22P05", "2200L", "2200M", "2200N", "2200S", "2200T",
    "22030", "22031", "22032", "22033", "22034", "22035", "22036", "22037", "22038", "22039",
    "2203A", "2203B", "2203C", "2203D", "2203E", "2203F", "2203G"};
const char* const kClass54[] = {"54000", "54001", "54011", "54023"};

TEST(SqlErrors, EveryDataExceptionIsAClientError) {
  for (const char* code : kClass22) {
    const auto m = map_sqlstate(code);
    EXPECT_GE(m.status, 400) << code;
    EXPECT_LT(m.status, 500) << code;
    EXPECT_FALSE(m.pass_message) << code;  // database text never reaches the client
  }
}

TEST(SqlErrors, EveryProgramLimitIsAClientError) {
  for (const char* code : kClass54) {
    const auto m = map_sqlstate(code);
    EXPECT_EQ(m.status, 422) << code;
    EXPECT_STREQ(m.code, "value_too_large") << code;
  }
}

TEST(SqlErrors, SpecificRows) {
  struct Row {
    const char* sqlstate;
    int status;
    const char* code;
  };
  const Row rows[] = {
      {"22021", 400, "invalid_text"},       // character_not_in_repertoire: invalid UTF-8
      {"22P05", 400, "invalid_text"},       // untranslatable_character
      {"22P02", 400, "bad_request"},        // invalid_text_representation ('x'::uuid)
      {"22001", 422, "validation_failed"},  // string_data_right_truncation
      {"22003", 422, "validation_failed"},  // numeric_value_out_of_range
      {"22007", 400, "invalid_datetime"},
      {"22008", 400, "invalid_datetime"},
      {"22023", 400, "bad_request"},
      {"22004", 422, "validation_failed"},
      {"23505", 409, "conflict"},
      {"23001", 409, "conflict"},  // restrict_violation, via the class row
      {"42501", 403, "forbidden"},
      {"40001", 503, "retry"},
      {"08006", 503, "database_unavailable"},
      {"TD404", 404, "not_found"},
  };
  for (const auto& r : rows) {
    const auto m = map_sqlstate(r.sqlstate);
    EXPECT_EQ(m.status, r.status) << r.sqlstate;
    EXPECT_STREQ(m.code, r.code) << r.sqlstate;
  }
}

TEST(SqlErrors, WhatIsNotTheClientsFaultStaysA500) {
  EXPECT_EQ(map_sqlstate("2200H").status, 500);  // sequence_generator_limit_exceeded
  EXPECT_EQ(map_sqlstate("42P01").status, 500);  // undefined_table: our bug, not their input
  EXPECT_EQ(map_sqlstate("XX000").status, 500);
  EXPECT_EQ(map_sqlstate("").status, 500);
  EXPECT_EQ(map_sqlstate("2").status, 500);  // a prefix of a class row is not a match
}

TEST(SqlErrors, OnlyOurOwnCodesPassTheirMessage) {
  EXPECT_TRUE(map_sqlstate("TD422").pass_message);
  EXPECT_FALSE(map_sqlstate("22P02").pass_message);
  EXPECT_FALSE(map_sqlstate("23505").pass_message);
}

}  // namespace
}  // namespace tenantd::db
