// Tests for the general encoders in util/ besides base64 (base64url_test.cpp): hex and the JSON
// string escaping of hand-built log lines.
#include <gtest/gtest.h>

#include <string>

#include "util/hex.hpp"
#include "util/json_escape.hpp"

namespace tenantd {
namespace {

TEST(Hex, EncodesEveryByteAsTwoLowerCaseDigits) {
  EXPECT_EQ(util::hex_encode(""), "");
  EXPECT_EQ(util::hex_encode(std::string("\x00\x01\x7f\x80\xfe\xff", 6)), "00017f80feff");
  EXPECT_EQ(util::hex_encode("tenantd"), "74656e616e7464");
}

// A client-chosen value (a route, a tenant reference, an exception text) must not end the JSON
// string of a log line early or add fields to it.
TEST(JsonEscape, QuotesBackslashesAndControlCharactersCannotBreakTheString) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {R"(a"b)", R"(a\"b)"},
      {R"(a\b)", R"(a\\b)"},
      {"\",\"level\":\"critical", R"(\",\"level\":\"critical)"},
      {"line\nbreak", R"(line\u000abreak)"},
      {std::string("nul\0x", 5), R"(nul\u0000x)"},
      {"\t\r\x1f", R"(\u0009\u000d\u001f)"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},  // UTF-8 passes unchanged
  };
  for (const auto& c : cases) EXPECT_EQ(util::json_escape(c.in), c.out) << c.out;
}

}  // namespace
}  // namespace tenantd
