#pragma once
// A Server-Sent Events client for the integration tests: one real TCP connection, the request
// sent as given, the chunked answer de-chunked and split into events as they arrive.
#include <map>
#include <string>
#include <vector>

namespace tenantd::test {

struct SseEvent {
  std::string id, event, data;
};

class SseClient {
 public:
  // Connects and sends GET `target` with `headers`; reads the status line and headers.
  SseClient(int port, const std::string& target, const std::map<std::string, std::string>& headers = {});
  ~SseClient();
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;
  int status() const { return status_; }
  std::string header(const std::string& lower_name) const;
  const std::string& body() const { return body_; }  // what a non-stream answer said
  // The next event (comments skipped; each comment is counted in comments()); false when none
  // came within max_ms (a bound against a broken run, not a timed assertion) or the stream ended.
  bool next(SseEvent& out, int max_ms = 20000);
  // Waits for an event matching `pred`, collecting the skipped ones in skipped().
  template <typename Pred>
  bool wait_for_event(Pred pred, SseEvent& out, int max_ms = 20000) {
    SseEvent e;
    while (next(e, max_ms)) {
      if (pred(e)) {
        out = e;
        return true;
      }
      skipped_.push_back(e);
    }
    return false;
  }
  const std::vector<SseEvent>& skipped() const { return skipped_; }
  int comments() const { return comments_; }
  bool ended() const { return ended_; }
  void close();

 private:
  bool fill(int max_ms);  // reads more bytes into text_ (de-chunked)
  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string raw_;   // bytes after the headers, still chunked
  std::string text_;  // de-chunked event text not yet split
  std::string body_;
  std::vector<SseEvent> skipped_;
  int comments_ = 0;
  bool chunked_ = false;
  bool ended_ = false;
};

}  // namespace tenantd::test
