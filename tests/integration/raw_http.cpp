#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace tenantd::test {

std::string RawRequest::describe() const {
  std::string s = method + " " + target;
  for (const auto& [k, v] : headers) s += " | " + k + ": " + v;
  if (!body.empty()) s += " | body[" + std::to_string(body.size()) + "]: " + body;
  std::string out;
  for (unsigned char c : s) {
    if (out.size() > 300) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  return out;
}

RawConnection::~RawConnection() {
  close_();
}

void RawConnection::close_() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  served_ = 0;
  buffered_.clear();
}

bool RawConnection::connect_() {
  close_();
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  // Bounds a read only so that a broken run cannot hang; answers are not timed.
  timeval tv{60, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port_));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close_();
    return false;
  }
  return true;
}

RawResponse RawConnection::exchange(const std::string& bytes) {
  RawResponse r;
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (or close) before reading everything
    off += static_cast<size_t>(n);
  }
  std::string raw = std::move(buffered_);
  buffered_.clear();
  size_t header_end = std::string::npos;
  size_t content_length = std::string::npos;
  bool event_stream = false;
  char buf[16384];
  for (;;) {
    if (header_end == std::string::npos) {
      header_end = raw.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        // Status line and the two headers the client needs.
        if (raw.compare(0, 5, "HTTP/") == 0 && raw.size() >= 12) r.status = std::atoi(raw.c_str() + 9);
        size_t pos = raw.find("\r\n");
        while (pos < header_end) {
          size_t next = raw.find("\r\n", pos + 2);
          std::string line = raw.substr(pos + 2, next - pos - 2);
          auto colon = line.find(':');
          if (colon != std::string::npos) {
            std::string k = line.substr(0, colon), v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            if (strcasecmp(k.c_str(), "content-length") == 0)
              content_length = std::strtoul(v.c_str(), nullptr, 10);
            if (strcasecmp(k.c_str(), "connection") == 0 && strcasecmp(v.c_str(), "close") == 0)
              r.close = true;
            if (strcasecmp(k.c_str(), "content-type") == 0 && v.rfind("text/event-stream", 0) == 0)
              event_stream = true;
          }
          pos = next;
        }
      }
    }
    if (header_end != std::string::npos && content_length != std::string::npos &&
        raw.size() >= header_end + 4 + content_length) {
      r.body = raw.substr(header_end + 4, content_length);
      buffered_ = raw.substr(header_end + 4 + content_length);
      return r;
    }
    // An event stream stays open: the answer is its opening (the first chunk, written in one
    // piece), and the connection is not reused.
    if (event_stream) {
      const size_t size_end = raw.find("\r\n", header_end + 4);
      if (size_end != std::string::npos) {
        const size_t size = std::strtoul(raw.c_str() + header_end + 4, nullptr, 16);
        if (raw.size() >= size_end + 2 + size) {
          r.body = raw.substr(size_end + 2, size);
          r.close = true;
          return r;
        }
      }
    }
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  // Closed (or timed out): an answer without Content-Length ends here.
  if (header_end != std::string::npos) {
    r.body = raw.substr(header_end + 4);
    r.close = true;
  } else {
    r.status = 0;
  }
  return r;
}

RawResponse RawConnection::send(const RawRequest& req) {
  std::string bytes = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (const auto& [k, v] : req.headers) bytes += k + ": " + v + "\r\n";
  if (req.content_length) bytes += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  bytes += "\r\n" + req.body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !connect_()) return {};
    const bool reused = served_ > 0;
    RawResponse r = exchange(bytes);
    if (r.status == 0) {
      close_();
      if (reused) continue;  // a stale keep-alive connection: once more on a fresh one
      return r;
    }
    ++served_;
    if (r.close) close_();
    return r;
  }
  return {};
}

}  // namespace tenantd::test
