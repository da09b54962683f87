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

// RFC 9457 body: type, title, status, detail, code, instance (request path), request_id, then
// the members of `extensions` (a JSON object's text, or empty): RFC 9457 extension members such
// as quota_exceeded's limit, used, metric and resets_at. A member with a standard name is
// dropped, so an extension can never replace the code or status the problem table decided.
std::string problem_json(int status, const std::string& code, const std::string& detail,
                         const std::string& instance, const std::string& request_id,
                         const std::string& extensions = {});

// The extension members a procedure attached to its error: the error text's DETAIL line when it
// is a JSON object (sql/: `raise … using detail = jsonb_build_object(…)::text`), else empty.
// The one way a raised error carries more than its code and message; callers use it only for
// our own TDxxx codes, never for what PostgreSQL itself put in a DETAIL.
std::string problem_extensions_from_error(const std::string& error_text);
// Standard reason phrase for a status (used as the problem title).
const char* status_title(int status);

}  // namespace tenantd
