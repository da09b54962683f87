// The one parse of untrusted JSON: every refusal is a case an attacker can send.
#include "util/json_parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/utf8.hpp"

namespace tenantd::util {
namespace {

using namespace std::string_literals;

struct Case {
  const char* name;
  std::string text;
  bool ok;
  const char* reason;  // substring of the error when refused
};

std::string nested(size_t depth, char open, char close) {
  return std::string(depth, open) + std::string(depth, close);
}

std::string nested_objects(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

TEST(JsonParse, TableOfInputs) {
  const Case cases[] = {
      {"plain object", R"({"email":"a@x.io","n":1,"l":[1,2,{"k":null}]})", true, ""},
      {"unicode text", "{\"name\":\"Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80\"}", true, ""},
      {"escaped non-NUL control", R"({"a":"\u0001"})", true, ""},
      {"same name in sibling objects", R"({"a":{"k":1},"b":{"k":2}})", true, ""},
      {"depth 64 arrays", nested(64, '[', ']'), true, ""},
      {"depth 64 objects", nested_objects(64), true, ""},
      {"big integer becomes a double", R"({"n":99999999999999999999999})", true, ""},
      {"depth 65 arrays", nested(65, '[', ']'), false, "nesting deeper than 64"},
      {"depth 65 objects", nested_objects(65), false, "nesting deeper than 64"},
      {"300000 unclosed [", std::string(300000, '['), false, "nesting deeper than 64"},
      {"300000 balanced []", nested(300000, '[', ']'), false, "nesting deeper than 64"},
      {"300000 nested objects", nested_objects(300000), false, "nesting deeper than 64"},
      {"invalid UTF-8 in a string", "{\"email\":\"\xff@x.io\"}", false, "Invalid encoding"},
      {"invalid UTF-8 in a name", "{\"\xc0\xaf\":1}", false, "Invalid encoding"},
      {"overlong UTF-8", "{\"a\":\"\xe0\x80\xaf\"}", false, "Invalid encoding"},
      {"UTF-8 surrogate", "{\"a\":\"\xed\xa0\x80\"}", false, "Invalid encoding"},
      {"truncated UTF-8", "{\"a\":\"\xe2\x82\"}", false, "Invalid encoding"},
      {"escaped NUL in a string", R"({"a":"x\u0000y"})", false, "U+0000"},
      {"escaped NUL in a name", R"({"a\u0000":1})", false, "U+0000"},
      {"raw NUL inside a string", "{\"a\":\"x\0y\"}"s, false, "NUL byte"},
      {"raw NUL after the document", "{\"a\":1}\0{\"a\":2}"s, false, "NUL byte"},
      {"duplicate names", R"({"role":"member","role":"tenant_admin"})", false,
       "duplicate member name 'role'"},
      {"duplicate names nested", R"({"a":{"k":1,"k":2}})", false, "duplicate member name 'k'"},
      {"duplicate names spelled with escapes", R"({"role":1,"r\u006fle":2})", false, "duplicate member name"},
      {"number beyond double range", R"({"n":1e999999})", false, "Number too big"},
      {"negative number beyond range", R"({"n":-1e400})", false, "Number too big"},
      {"empty text", "", false, "empty"},
      {"trailing garbage", R"({"a":1} x)", false, "must not be followed"},
      {"unterminated string", R"({"a":"x)", false, "quotation"},
      {"lone surrogate escape", R"({"a":"\ud800"})", false, "surrogate"},
  };
  for (const auto& c : cases) {
    rapidjson::Document d;
    auto r = parse_untrusted_json(d, c.text);
    EXPECT_EQ(r.ok, c.ok) << c.name << ": " << r.error;
    if (!c.ok) {
      EXPECT_NE(r.error.find(c.reason), std::string::npos) << c.name << ": " << r.error;
      EXPECT_TRUE(d.IsNull()) << c.name;
      EXPECT_TRUE(clean_text(r.error)) << c.name;  // the detail is safe to send back
    }
  }
}

TEST(JsonParse, DepthCapIsAParameter) {
  rapidjson::Document d;
  EXPECT_TRUE(parse_untrusted_json(d, "[[1]]", 2));
  EXPECT_FALSE(parse_untrusted_json(d, "[[[1]]]", 2));
}

TEST(JsonParse, KeepsTheValues) {
  rapidjson::Document d;
  ASSERT_TRUE(parse_untrusted_json(d, R"({"email":"a@x.io","days":7,"tags":["x"]})"));
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["email"].GetString(), "a@x.io");
  EXPECT_EQ(d["days"].GetInt(), 7);
  EXPECT_EQ(d["tags"].Size(), 1u);
}

TEST(JsonParse, ADocumentThatFailedLeavesNoPartialValue) {
  rapidjson::Document d;
  ASSERT_TRUE(parse_untrusted_json(d, R"({"a":1})"));
  EXPECT_FALSE(parse_untrusted_json(d, R"({"a":1,"a":2})"));
  EXPECT_TRUE(d.IsNull());
}

TEST(Utf8, TableOfInputs) {
  const std::pair<std::string, bool> cases[] = {
      {"", true},
      {"plain ascii", true},
      {"\xc3\xa9", true},
      {"\xf4\x8f\xbf\xbf", true},   // U+10FFFF
      {"\xff", false},              // never a UTF-8 byte
      {"\xc0\x80", false},          // overlong NUL
      {"\xc1\xbf", false},          // overlong
      {"\xe0\x9f\xbf", false},      // overlong 3-byte
      {"\xf0\x8f\xbf\xbf", false},  // overlong 4-byte
      {"\xed\xa0\x80", false},      // surrogate D800
      {"\xf4\x90\x80\x80", false},  // above U+10FFFF
      {"\xe2\x82", false},          // truncated
      {"\x80", false},              // lone continuation
      {"a\xc3", false},             // truncated at the end
  };
  for (const auto& [s, ok] : cases) EXPECT_EQ(valid_utf8(s), ok) << testing::PrintToString(s);
  EXPECT_FALSE(clean_text("a\0b"s));
  EXPECT_TRUE(clean_text("a b"));
}

}  // namespace
}  // namespace tenantd::util
