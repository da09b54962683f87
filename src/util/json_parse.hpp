#pragma once
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace tenantd::util {

// Nesting depth allowed in any JSON document from outside (request bodies, token segments).
// Every recursive walk of a parsed document in src/ (Accept, contains_nul, check_json_text…)
// relies on this bound: a document that passed parse_untrusted_json is at most this deep.
constexpr size_t kMaxJsonDepth = 64;

struct JsonParseResult {
  bool ok = false;
  std::string error;  // client-safe reason when !ok (names no internals)
  explicit operator bool() const { return ok; }
};

// Parses JSON from an untrusted source into `doc`, refusing (doc left empty, result.error set):
// - nesting deeper than `max_depth` (counted by a SAX pass first, so that no recursive code,
//   RapidJSON's own included, ever sees a deeper document);
// - invalid UTF-8 anywhere, in strings and member names;
// - a NUL character: raw in the text (RapidJSON would read it as the end of input) or as
//   \u0000 inside a string or member name (PostgreSQL text and jsonb cannot hold it);
// - duplicate member names in one object (RapidJSON's FindMember takes the first, other
//   parsers the last: two components must never read different values from one body);
// - numbers beyond double range (1e999999) and every other syntax error.
// Both passes parse iteratively (kParseIterativeFlag): the call stack does not grow with input.
JsonParseResult parse_untrusted_json(rapidjson::Document& doc, std::string_view text,
                                     size_t max_depth = kMaxJsonDepth);

}  // namespace tenantd::util
