#pragma once
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>

namespace tenantd::util {

// Thin helper over rapidjson::Writer for building response bodies.
class JsonOut {
 public:
  JsonOut() : w_(sb_) {}
  JsonOut& begin_object() {
    w_.StartObject();
    return *this;
  }
  JsonOut& end_object() {
    w_.EndObject();
    return *this;
  }
  JsonOut& begin_array(const char* key) {
    w_.Key(key);
    w_.StartArray();
    return *this;
  }
  JsonOut& end_array() {
    w_.EndArray();
    return *this;
  }
  // A string element of the array being written.
  JsonOut& element(const std::string& v) {
    w_.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonOut& key(const char* k) {
    w_.Key(k);
    return *this;
  }
  JsonOut& str(const char* k, const std::string& v) {
    w_.Key(k);
    w_.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonOut& str_or_null(const char* k, const char* v) {
    w_.Key(k);
    if (v)
      w_.String(v);
    else
      w_.Null();
    return *this;
  }
  JsonOut& boolean(const char* k, bool v) {
    w_.Key(k);
    w_.Bool(v);
    return *this;
  }
  JsonOut& integer(const char* k, int64_t v) {
    w_.Key(k);
    w_.Int64(v);
    return *this;
  }
  JsonOut& null(const char* k) {
    w_.Key(k);
    w_.Null();
    return *this;
  }
  // Embeds text that is already JSON (jsonb from PostgreSQL).
  JsonOut& raw(const char* k, const std::string& json) {
    w_.Key(k);
    w_.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  rapidjson::Writer<rapidjson::StringBuffer>& writer() { return w_; }
  std::string take() { return std::string(sb_.GetString(), sb_.GetSize()); }

 private:
  rapidjson::StringBuffer sb_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace tenantd::util
