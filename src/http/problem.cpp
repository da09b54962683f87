#include "http/problem.hpp"

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

std::string problem_json(int status, const std::string& code, const std::string& detail,
                         const std::string& instance, const std::string& request_id) {
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
  w.EndObject();
  return sb.GetString();
}

}  // namespace tenantd
