#pragma once
#include <algorithm>
#include <pqxx/pqxx>
#include <string>

#include "api/input.hpp"
#include "http/request_context.hpp"
#include "util/json.hpp"

namespace tenantd::api {

// A list answer {"data": [...], "next_cursor": "…" | null} from rows fetched with limit + 1:
// the extra row only says that another page exists; the cursor holds the key of the last row
// shown (cursor_key(row) → text, made opaque by encode_cursor).
template <typename WriteRow, typename CursorKey>
Response page_response(const pqxx::result& r, int limit, WriteRow write_row, CursorKey cursor_key) {
  util::JsonOut j;
  j.begin_object().begin_array("data");
  const size_t n = std::min(r.size(), static_cast<size_t>(limit));
  for (size_t i = 0; i < n; ++i) write_row(j, r[i]);
  j.end_array();
  if (r.size() > n) {
    j.str("next_cursor", encode_cursor(cursor_key(r[n - 1])));
  } else {
    j.null("next_cursor");
  }
  j.end_object();
  return {200, j.take()};
}

}  // namespace tenantd::api
