#include "http/problem.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tenantd {

const char* status_title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string problem_extensions_from_error(const std::string& error_text) {
  // libpq's error text: "ERROR:  message\nDETAIL:  detail\nHINT:  …\nCONTEXT:  …"; a JSON
  // object made by jsonb::text has no newline, so the DETAIL line is the whole object.
  static const std::string kDetail = "\nDETAIL:  ";
  const size_t at = error_text.find(kDetail);
  if (at == std::string::npos) return {};
  const size_t begin = at + kDetail.size();
  const size_t end = error_text.find('\n', begin);
  std::string detail = error_text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  if (detail.empty() || detail.front() != '{') return {};
  rapidjson::Document d;
  d.Parse(detail.c_str());
  if (d.HasParseError() || !d.IsObject()) return {};
  return detail;
}

std::string problem_json(int status, const std::string& code, const std::string& detail,
                         const std::string& instance, const std::string& request_id,
                         const std::string& extensions) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("type");
  w.String(("https://tenantd.dev/problems/" + code).c_str());
  w.Key("title");
  w.String(status_title(status));
  w.Key("status");
  w.Int(status);
  w.Key("code");
  w.String(code.c_str());
  w.Key("detail");
  w.String(detail.c_str());
  if (!instance.empty()) {
    w.Key("instance");
    w.String(instance.c_str());
  }
  w.Key("request_id");
  w.String(request_id.c_str());
  if (!extensions.empty()) {
    rapidjson::Document d;
    d.Parse(extensions.c_str());
    if (!d.HasParseError() && d.IsObject()) {
      static const char* const kStandard[] = {"type",   "title",    "status",    "code",
                                              "detail", "instance", "request_id"};
      for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
        const std::string name(it->name.GetString(), it->name.GetStringLength());
        bool standard = false;
        for (const char* s : kStandard) standard = standard || name == s;
        if (standard) continue;
        w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        it->value.Accept(w);
      }
    }
  }
  w.EndObject();
  return sb.GetString();
}

}  // namespace tenantd
