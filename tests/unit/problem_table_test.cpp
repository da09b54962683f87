// The one SQLSTATE table: every data-class error that client input can provoke is a 4xx.
#include "http/problem_table.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace tenantd {
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

TEST(ProblemTable, EveryDataExceptionIsAClientError) {
  for (const char* code : kClass22) {
    const auto m = problem_for_sqlstate(code);
    EXPECT_GE(m.status, 400) << code;
    EXPECT_LT(m.status, 500) << code;
    EXPECT_NE(m.fixed_detail, nullptr) << code;  // database text never reaches the client
  }
}

TEST(ProblemTable, EveryProgramLimitIsAClientError) {
  for (const char* code : kClass54) {
    const auto m = problem_for_sqlstate(code);
    EXPECT_EQ(m.status, 422) << code;
    EXPECT_STREQ(m.code, "value_too_large") << code;
  }
}

TEST(ProblemTable, SpecificRows) {
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
      {"TDF07", 403, "quota_exceeded"},     // issue 10: a plan's limit, not a rate
      {"TDS01", 503, "quota_unavailable"},  // fail closed: the counter could not be read or locked
      {"TDF08", 403, "feature_not_available"},
  };
  for (const auto& r : rows) {
    const auto m = problem_for_sqlstate(r.sqlstate);
    EXPECT_EQ(m.status, r.status) << r.sqlstate;
    EXPECT_STREQ(m.code, r.code) << r.sqlstate;
  }
}

TEST(ProblemTable, WhatIsNotTheClientsFaultStaysA500) {
  EXPECT_EQ(problem_for_sqlstate("2200H").status, 500);  // sequence_generator_limit_exceeded
  EXPECT_EQ(problem_for_sqlstate("42P01").status, 500);  // undefined_table: our bug, not their input
  EXPECT_EQ(problem_for_sqlstate("XX000").status, 500);
  EXPECT_EQ(problem_for_sqlstate("").status, 500);
  EXPECT_EQ(problem_for_sqlstate("2").status, 500);    // a prefix of a class row is not a match
  EXPECT_EQ(problem_for_sqlstate("TD4").status, 500);  // exact codes match exactly
}

TEST(ProblemTable, OnlyOurOwnCodesPassTheirMessage) {
  EXPECT_EQ(problem_for_sqlstate("TD422").fixed_detail, nullptr);
  EXPECT_EQ(problem_for_sqlstate("TDN08").fixed_detail, nullptr);
  EXPECT_NE(problem_for_sqlstate("22P02").fixed_detail, nullptr);
  EXPECT_NE(problem_for_sqlstate("23505").fixed_detail, nullptr);
}

TEST(ProblemTable, SpecificCodesCarryTheirProblem) {
  EXPECT_STREQ(problem_for_sqlstate("TDN08").code, "user_not_found");
  EXPECT_EQ(problem_for_sqlstate("TDN08").status, 404);
  EXPECT_STREQ(problem_for_sqlstate("TDU01").code, "membership_revoked");
  EXPECT_EQ(problem_for_sqlstate("TDU01").status, 401);
  EXPECT_STREQ(problem_for_sqlstate("TDF04").code, "tenant_suspended");
  EXPECT_EQ(problem_for_sqlstate("TDZ99").status, 500);  // an unknown TD code is our bug
}

std::vector<std::string> files_under(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().string());
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every raise in sql/ names a SQLSTATE, and every TDxxx SQLSTATE there has its own row (an
// unknown one would answer 500).
TEST(ProblemTable, EveryRaiseInSqlCarriesAKnownCode) {
  const std::regex raise(R"(raise\s+exception\b([^;]*);)", std::regex::icase);
  const std::regex errcode(R"(errcode\s*=\s*'([0-9A-Z]{5})')");
  int raises = 0;
  for (const auto& f : files_under(std::string(TENANTD_SOURCE_DIR) + "/sql", ".sql")) {
    const std::string text = read_all(f);
    for (std::sregex_iterator it(text.begin(), text.end(), raise), end; it != end; ++it) {
      ++raises;
      const std::string body = (*it)[1];
      std::smatch m;
      ASSERT_TRUE(std::regex_search(body, m, errcode)) << f << ": a raise without errcode: " << body;
      const std::string state = m[1];
      if (state.rfind("TD", 0) == 0) {
        const auto p = problem_for_sqlstate(state);
        EXPECT_TRUE(p.status != 500 || std::string(p.code) == "internal_error" ||
                    std::string(p.code) == "preseed_incomplete")
            << f << ": " << state << " has no row in the problem table";
      }
    }
  }
  EXPECT_GT(raises, 100);
}

// Every problem code C++ throws is in the table (else it would answer 500).
TEST(ProblemTable, EveryCodeThrownInCppIsKnown) {
  const std::regex thrown(R"re(ApiError\(\s*"([a-z_]+)")re");
  int codes = 0;
  for (const auto& f : files_under(std::string(TENANTD_SOURCE_DIR) + "/src", ".cpp")) {
    const std::string text = read_all(f);
    for (std::sregex_iterator it(text.begin(), text.end(), thrown), end; it != end; ++it) {
      ++codes;
      EXPECT_TRUE(is_known_problem((*it)[1].str())) << f << ": " << (*it)[1];
    }
  }
  EXPECT_GT(codes, 50);
}

}  // namespace
}  // namespace tenantd
