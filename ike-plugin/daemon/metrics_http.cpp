// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gateway/metrics.h"

namespace vtigwd {

namespace {

/** Connections served at once, and seconds an idle one is kept. */
constexpr unsigned kConnectionLimit = 8;
constexpr unsigned kConnectionTimeout = 10;

MHD_Result send_text(MHD_Connection* c, unsigned status, const std::string& body,
                     const char* type) {
    MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char*, const char*, size_t*, void**) {
    return static_cast<MHD_Result>(MetricsHttp::answer(cls, connection, url, method));
}

}  // namespace

std::string endpoint_text(const gateway::MetricsEndpoint& e) {
    std::string a = e.address.str();
    if (e.address.is_v6()) a = "[" + a + "]";
    return a + ":" + std::to_string(e.port);
}

int MetricsHttp::answer(void* self, MHD_Connection* c, const char* url, const char* method) {
    auto* me = static_cast<MetricsHttp*>(self);
    if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0)
        return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n", "text/plain");
    if (std::strcmp(url, "/metrics") == 0)
        return send_text(c, MHD_HTTP_OK, me->render_(), gateway::kPrometheusContentType);
    if (std::strcmp(url, "/") == 0)
        return send_text(c, MHD_HTTP_OK, "vtigw: metrics at /metrics\n", "text/plain");
    return send_text(c, MHD_HTTP_NOT_FOUND, "not found; metrics are at /metrics\n", "text/plain");
}

bool MetricsHttp::start(const gateway::MetricsEndpoint& e, Render render, std::string& error) {
    render_ = std::move(render);
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (e.address.is_v6()) {
        auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(e.port);
        inet_pton(AF_INET6, e.address.str().c_str(), &s6->sin6_addr);
        len = sizeof(*s6);
    } else {
        auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
        s4->sin_family = AF_INET;
        s4->sin_port = htons(e.port);
        inet_pton(AF_INET, e.address.str().c_str(), &s4->sin_addr);
        len = sizeof(*s4);
    }
    // Bound here rather than by libmicrohttpd: its failure would not say why.
    fd_ = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd_ < 0 || setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd_, 16) != 0) {
        error = "metrics: cannot listen on " + endpoint_text(e) + ": " + std::strerror(errno);
        stop();
        return false;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (e.address.is_v6()) flags |= MHD_USE_IPv6;
    daemon_ =
        MHD_start_daemon(flags, 0, nullptr, nullptr, &on_request, this, MHD_OPTION_LISTEN_SOCKET,
                         fd_, MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
                         MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeout, MHD_OPTION_END);
    if (!daemon_) {
        error = "metrics: the HTTP server on " + endpoint_text(e) + " did not start";
        stop();
        return false;
    }
    return true;
}

void MetricsHttp::stop() {
    if (daemon_) MHD_stop_daemon(daemon_);
    daemon_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
}

MetricsHttp::~MetricsHttp() {
    stop();
}

}  // namespace vtigwd
