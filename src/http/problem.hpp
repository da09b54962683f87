#pragma once
#include <map>
#include <stdexcept>
#include <string>

#include "http/problem_table.hpp"

namespace tenantd {

// An error with a client-safe answer: a stable problem `code` and a detail written for
// clients; the HTTP status comes from the one problem table (http/problem_table.hpp). what()
// keeps the detail for logs.
class ApiError : public std::runtime_error {
 public:
  ApiError(std::string code, std::string detail, std::map<std::string, std::string> headers = {})
      : std::runtime_error(detail),
        status_(problem_status(code)),
        code_(std::move(code)),
        detail_(std::move(detail)),
        headers_(std::move(headers)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& detail() const { return detail_; }
  const std::map<std::string, std::string>& headers() const { return headers_; }

 private:
  int status_;
  std::string code_;
  std::string detail_;
  std::map<std::string, std::string> headers_;
};

// RFC 9457 body: type, title, status, detail, code, instance (request path), request_id.
std::string problem_json(int status, const std::string& code, const std::string& detail,
                         const std::string& instance, const std::string& request_id);
// Standard reason phrase for a status (used as the problem title).
const char* status_title(int status);

}  // namespace tenantd
