#pragma once
#include <functional>
#include <string>

#include "http/dispatcher.hpp"

namespace tenantd {

// Runs the Pistache endpoint until SIGTERM/SIGINT, then drains and returns.
// `on_started` runs once the signals are blocked and the endpoint listens (threads started
// there inherit the blocked signal mask). `on_stopping` runs after the signal, before the
// endpoint stops (event streams end there).
void serve_http(App& app, const std::string& listen_addr, int threads, size_t max_body_bytes,
                const std::function<void()>& on_started = nullptr,
                const std::function<void()>& on_stopping = nullptr);

}  // namespace tenantd
