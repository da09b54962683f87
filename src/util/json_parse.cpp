#include "util/json_parse.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace tenantd::util {
namespace {

constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// The SAX pass: counts depth, looks into every string and member name, and tracks the names
// seen in each open object. Returning false stops the reader at once (kParseErrorTermination)
// with `reason` saying why.
class Guard : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Guard> {
 public:
  explicit Guard(size_t max_depth) : max_depth_(max_depth) {}

  bool Default() { return true; }
  bool String(const char* s, rapidjson::SizeType n, bool) { return text_ok(s, n, "a string"); }
  bool StartObject() {
    if (!enter()) return false;
    keys_.emplace_back();
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (!text_ok(s, n, "a member name")) return false;
    if (!keys_.back().emplace(s, n).second) {
      reason = "duplicate member name '" + printable(std::string_view(s, n)) + "'";
      return false;
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool StartArray() { return enter(); }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

  std::string reason;

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      reason = "nesting deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    return true;
  }
  bool text_ok(const char* s, rapidjson::SizeType n, const char* what) {
    if (std::string_view(s, n).find('\0') != std::string_view::npos) {
      reason = std::string(what) + " contains the character U+0000";
      return false;
    }
    return true;
  }
  // A name quoted back to the client: short, and only printable ASCII.
  static std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
  }

  size_t max_depth_;
  size_t depth_ = 0;
  std::vector<std::unordered_set<std::string>> keys_;
};

}  // namespace

JsonParseResult parse_untrusted_json(rapidjson::Document& doc, std::string_view text, size_t max_depth) {
  JsonParseResult r;
  doc.SetNull();
  if (text.find('\0') != std::string_view::npos) {
    r.error = "the body contains a NUL byte";
    return r;
  }
  {
    Guard guard(max_depth);
    rapidjson::Reader reader;
    rapidjson::MemoryStream ms(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
    reader.Parse<kFlags>(is, guard);
    if (reader.HasParseError()) {
      if (reader.GetParseErrorCode() == rapidjson::kParseErrorTermination && !guard.reason.empty()) {
        r.error = guard.reason + " at offset " + std::to_string(reader.GetErrorOffset());
      } else {
        r.error = std::string(rapidjson::GetParseError_En(reader.GetParseErrorCode())) + " at offset " +
                  std::to_string(reader.GetErrorOffset());
      }
      return r;
    }
  }
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) {  // the first pass accepted the same text; kept as a safety net
    r.error = std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at offset " +
              std::to_string(doc.GetErrorOffset());
    doc.SetNull();
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace tenantd::util
