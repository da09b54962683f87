// docs/openapi.yaml (built in as JSON) against the code: the route table both ways, the problem
// codes, Idempotency-Key and the security of public routes. Failure messages name the route, so a
// merge that adds a route without documenting it (or the reverse) says what to fix.
#include "api/openapi.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

#include "api/route_table.hpp"
#include "http/problem_table.hpp"

namespace tenantd {
namespace {

const char* const kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_.Parse(api::kOpenApiJson.data(), api::kOpenApiJson.size());
    ASSERT_FALSE(doc_.HasParseError());
    ASSERT_TRUE(doc_.IsObject() && doc_.HasMember("paths") && doc_["paths"].IsObject());
    api::register_all(router_);
  }
  // "GET /v1/users/{id}" for every operation of the document.
  std::set<std::string> documented() const {
    std::set<std::string> out;
    for (const auto& p : doc_["paths"].GetObject()) {
      for (const char* m : kMethods) {
        if (p.value.HasMember(m)) out.insert(upper(m) + " " + p.name.GetString());
      }
    }
    return out;
  }
  const rapidjson::Value* operation(const Route& r) const {
    const auto& paths = doc_["paths"];
    auto p = paths.FindMember(r.pattern.c_str());
    if (p == paths.MemberEnd()) return nullptr;
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto o = p->value.FindMember(m.c_str());
    return o == p->value.MemberEnd() ? nullptr : &o->value;
  }
  static bool has_header_param(const rapidjson::Value& op, const char* name) {
    if (!op.HasMember("parameters")) return false;
    for (const auto& prm : op["parameters"].GetArray()) {
      // shared parameters are references: #/components/parameters/<Name>
      if (prm.HasMember("$ref") &&
          std::string(prm["$ref"].GetString()) == std::string("#/components/parameters/") + name)
        return true;
    }
    return false;
  }

  rapidjson::Document doc_;
  Router router_;
};

TEST_F(OpenApiTest, IsOpenApi31) {
  ASSERT_TRUE(doc_.HasMember("openapi"));
  EXPECT_EQ(std::string(doc_["openapi"].GetString()).rfind("3.1.", 0), 0u);
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  const auto docs = documented();
  std::string missing;
  for (const auto& r : router_.routes()) {
    const std::string key = r.method + " " + r.pattern;
    if (!docs.count(key)) missing += "\n  " + key;
  }
  EXPECT_TRUE(missing.empty()) << "routes in src/api/route_table.cpp missing from docs/openapi.yaml:"
                               << missing;
}

TEST_F(OpenApiTest, EveryDocumentedOperationIsRouted) {
  std::set<std::string> routed;
  for (const auto& r : router_.routes()) routed.insert(r.method + " " + r.pattern);
  std::string extra;
  for (const auto& key : documented()) {
    if (!routed.count(key)) extra += "\n  " + key;
  }
  EXPECT_TRUE(extra.empty()) << "operations in docs/openapi.yaml that src/api/route_table.cpp does not route:"
                             << extra;
}

TEST_F(OpenApiTest, ProblemCodeEnumIsTheProblemTable) {
  const auto& schemas = doc_["components"]["schemas"];
  ASSERT_TRUE(schemas.HasMember("ProblemCode"));
  std::set<std::string> documented_codes;
  for (const auto& c : schemas["ProblemCode"]["enum"].GetArray()) documented_codes.insert(c.GetString());
  std::string missing, unknown;
  for (auto c : problem_codes()) {
    if (!documented_codes.erase(std::string(c))) missing += " " + std::string(c);
  }
  for (const auto& c : documented_codes) unknown += " " + c;
  EXPECT_TRUE(missing.empty()) << "problem codes missing from ProblemCode in docs/openapi.yaml:" << missing;
  EXPECT_TRUE(unknown.empty()) << "ProblemCode values that src/http/problem_table.cpp does not know:"
                               << unknown;
}

TEST_F(OpenApiTest, IdempotencyKeyDocumentedWhereHonoured) {
  std::string wrong;
  for (const auto& r : router_.routes()) {
    const auto* op = operation(r);
    if (!op) continue;  // EveryRouteIsDocumented reports it
    if (has_header_param(*op, "IdempotencyKey") != r.options.idempotent) {
      wrong +=
          "\n  " + r.method + " " + r.pattern + (r.options.idempotent ? " (honours it)" : " (ignores it)");
    }
  }
  EXPECT_TRUE(wrong.empty()) << "Idempotency-Key parameter wrong in docs/openapi.yaml for:" << wrong;
}

TEST_F(OpenApiTest, PublicRoutesNeedNoSecurityOthersDo) {
  std::string wrong;
  for (const auto& r : router_.routes()) {
    const auto* op = operation(r);
    if (!op) continue;
    const bool open = op->HasMember("security") && (*op)["security"].IsArray() && (*op)["security"].Empty();
    if (open != (r.scope == Scope::kPublic)) {
      wrong +=
          "\n  " + r.method + " " + r.pattern + (open ? " documented public" : " documented with a token");
    }
  }
  EXPECT_TRUE(wrong.empty()) << "security in docs/openapi.yaml differs from the route's scope:" << wrong;
}

TEST_F(OpenApiTest, EveryOperationHasAnIdAndAProblemDefault) {
  std::set<std::string> ids;
  for (const auto& p : doc_["paths"].GetObject()) {
    for (const char* m : kMethods) {
      if (!p.value.HasMember(m)) continue;
      const auto& op = p.value[m];
      const std::string where = upper(m) + " " + p.name.GetString();
      ASSERT_TRUE(op.HasMember("operationId")) << where;
      EXPECT_TRUE(ids.insert(op["operationId"].GetString()).second) << "duplicate operationId at " << where;
      ASSERT_TRUE(op.HasMember("responses") && op["responses"].HasMember("default")) << where;
    }
  }
}

}  // namespace
}  // namespace tenantd
