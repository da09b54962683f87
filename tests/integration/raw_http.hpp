#pragma once
// A raw HTTP/1.1 client for hostile-input tests: it sends exactly the bytes it is given (no
// normalisation of the target, header names, repeated headers or Content-Length), and keeps
// the connection open between requests.
#include <string>
#include <utility>
#include <vector>

namespace tenantd::test {

struct RawRequest {
  std::string method;
  std::string target;                                        // sent as is: no encoding
  std::vector<std::pair<std::string, std::string>> headers;  // in order, repeats allowed
  std::string body;
  bool content_length = true;    // add a Content-Length that matches the body
  std::string describe() const;  // one line for failure messages (bytes escaped, truncated)
};

struct RawResponse {
  int status = 0;  // 0: the server closed the connection (or timed out) without an answer
  std::string body;
  bool close = false;  // the server said Connection: close
};

class RawConnection {
 public:
  explicit RawConnection(int port) : port_(port) {}
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  // Sends one request and reads one answer; reconnects when needed. A request that gets no
  // answer on a connection that had served others is retried once on a fresh one (the
  // server may have closed an idle keep-alive connection).
  RawResponse send(const RawRequest& req);

 private:
  bool connect_();
  void close_();
  RawResponse exchange(const std::string& bytes);
  int port_;
  int fd_ = -1;
  int served_ = 0;
  std::string buffered_;
};

}  // namespace tenantd::test
