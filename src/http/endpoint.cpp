// Pistache adapter: turns Pistache requests into IncomingRequest, hands them to App and
// writes the answer. Nothing else happens here, so Pistache never sees an exception.
#include "http/endpoint.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <sstream>

#include "http/event_hub.hpp"

namespace tenantd {
namespace {

using namespace Pistache;

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

// Pistache 0.0.5 writes only typed headers into responses (raw ones are dropped), so every
// header we send goes through this one generic type.
class GenericHeader : public Http::Header::Header {
 public:
  GenericHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void parse(const std::string& data) override { value_ = data; }
  void write(std::ostream& os) const override { os << value_; }
  // Used only by header_cast to typed headers; no typed header shares this value.
  uint64_t hash() const override { return Http::Header::detail::hash("tenantd-generic-header"); }

 private:
  std::string name_;
  std::string value_;
};

// A Server-Sent Events response written straight to the connection as HTTP/1.1 chunks.
// Pistache's ResponseStream::flush() drains the transport's write queue on the calling thread,
// which from the hub's thread races the reactor (Pistache 0.0.5 then aborts the process on the
// client's next close: "could not find write data"). Tcp::Peer::send only enqueues: the
// reactor thread that owns the connection does the write, as for any other response. So the
// head and every chunk go through Peer::send, no worker thread waits, and a client that left
// shows as an expired peer (alive()).
class PistacheSink : public StreamSink {
 public:
  explicit PistacheSink(std::weak_ptr<Tcp::Peer> peer) : peer_(std::move(peer)) {}
  bool alive() override { return !peer_.expired(); }
  bool write(const std::string& text) override {
    if (text.empty()) return true;  // an empty chunk would end the response
    char size[20];
    snprintf(size, sizeof size, "%zx\r\n", text.size());
    return send(size + text + "\r\n");
  }
  void close() override { send("0\r\n\r\n"); }
  // the status line and headers, before the first chunk
  bool send_head(const Response& res) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: " + res.content_type + "\r\n";
    for (const auto& [k, v] : res.headers) head += k + ": " + v + "\r\n";
    // Connection: close: a stream's connection is never reused. Browsers otherwise try to drain
    // an aborted response to keep its socket, which for an endless stream holds one of their six
    // connections per host until every later request queues behind them.
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    return send(head);
  }

 private:
  bool send(const std::string& bytes) {
    std::shared_ptr<Tcp::Peer> p = peer_.lock();
    if (!p) return false;
    try {
      p->send(RawBuffer(bytes, bytes.size()));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  std::weak_ptr<Tcp::Peer> peer_;
};

class PistacheHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)
  explicit PistacheHandler(App* app) : app_(app) {}

  void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
    Response res;
    try {
      IncomingRequest in;
      in.method = Http::methodString(req.method());
      in.path = req.resource();
      for (const auto& name : req.query().parameters()) {
        // Still percent-encoded: App decodes them strictly (a malformed escape is a 400 there).
        if (auto v = req.query().get(name)) in.query[name] = *v;
      }
      // Pistache parses well-known headers (Host, Content-Type, Authorization…) into typed
      // objects and keeps the rest raw; collect both under lower-case names.
      for (const auto& h : req.headers().list()) {
        std::ostringstream os;
        h->write(os);
        in.headers[to_lower(h->name())] = os.str();
      }
      for (const auto& kv : req.headers().rawList()) {
        in.headers[to_lower(kv.first)] = kv.second.value();
      }
      in.body = req.body();
      in.remote = req.address().host();
      res = app_->dispatch(in);
    } catch (const std::exception& e) {
      spdlog::error("\"msg\":\"adapter failure\",\"error\":\"{}\"", e.what());
      res.status = 500;
      res.content_type = "application/problem+json";
      res.body = R"({"type":"https://tenantd.dev/problems/internal_error","title":"Internal Server Error",)"
                 R"("status":500,"code":"internal_error","detail":"internal error"})";
    }
    for (const auto& [k, v] : res.headers) writer.headers().add(std::make_shared<GenericHeader>(k, v));
    // HTTP/1.1 connections persist unless the client asks to close (RFC 9112 §9.3). Pistache
    // 0.0.5 pre-sets "Connection: Close" when the request has no Connection header, which
    // would make every such client pay a new TCP connection per request.
    if (req.version() == Http::Version::Http11) {
      auto conn = req.headers().tryGet<Http::Header::Connection>();
      if (!conn) {
        writer.headers().remove<Http::Header::Connection>();
        writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
      }
    }
    if (res.stream) {
      // the writer sends nothing: the stream's head and chunks go out through the peer
      auto sink = std::make_unique<PistacheSink>(writer.getPeer());
      if (sink->send_head(res)) res.stream->attach(std::move(sink));
      return;
    }
    writer.send(static_cast<Http::Code>(res.status), res.body,
                Http::Mime::MediaType::fromString(res.content_type));
  }

 private:
  App* app_;
};

}  // namespace

void serve_http(App& app, const std::string& listen_addr, int threads, size_t max_body_bytes,
                const std::function<void()>& on_started, const std::function<void()>& on_stopping) {
  // Signals are blocked before Pistache starts its threads so that only sigwait() below
  // receives them (Pistache's shutdown example).
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  const auto colon = listen_addr.rfind(':');
  Address addr(listen_addr.substr(0, colon),
               Port(static_cast<uint16_t>(std::stoi(listen_addr.substr(colon + 1)))));
  Http::Endpoint endpoint(addr);
  // Pistache's own cap sits well above ours so that oversized bodies normally reach App
  // and get a problem+json 413; only absurd sizes meet Pistache's plain 413.
  const size_t hard_cap = std::max(max_body_bytes * 4, max_body_bytes + (1u << 20));
  auto opts = Http::Endpoint::options()
                  .threads(threads)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(hard_cap)
                  .maxResponseSize(16u << 20);
  endpoint.init(opts);
  endpoint.setHandler(Http::make_handler<PistacheHandler>(&app));
  endpoint.serveThreaded();
  spdlog::info("\"msg\":\"listening\",\"addr\":\"{}\",\"threads\":{}", listen_addr, threads);
  if (on_started) on_started();

  int sig = 0;
  sigwait(&sigs, &sig);
  spdlog::info("\"msg\":\"shutting down\",\"signal\":{}", sig);
  // open event streams end first: they write through the endpoint's transport
  if (on_stopping) on_stopping();
  endpoint.shutdown();
}

}  // namespace tenantd
