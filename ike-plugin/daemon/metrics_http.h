// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The optional Prometheus endpoint: GET /metrics over HTTP (libmicrohttpd, one internal thread,
// few connections, short timeouts), GET / a one-line pointer to it. No authentication: it listens
// on loopback unless the configuration names another address.

#include <functional>
#include <string>

#include "gateway/config.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace vtigwd {

class MetricsHttp {
  public:
    /** Produces the exposition text for one scrape (called on the server's thread). */
    using Render = std::function<std::string()>;

    ~MetricsHttp();

    /** Listens on `endpoint` and serves `render`'s text. False with `error` (naming the address
     *  and the system's reason) when it cannot listen. */
    bool start(const gateway::MetricsEndpoint& endpoint, Render render, std::string& error);
    /** Stops serving and closes the socket (nothing when not started). */
    void stop();

    /** Answers one request (libmicrohttpd's callback; `self` is the MetricsHttp). */
    static int answer(void* self, MHD_Connection* connection, const char* url, const char* method);

  private:
    Render render_;
    MHD_Daemon* daemon_ = nullptr;
    int fd_ = -1;
};

/** "127.0.0.1:9814" or "[::1]:9814". */
std::string endpoint_text(const gateway::MetricsEndpoint& endpoint);

}  // namespace vtigwd
