// SPDX-License-Identifier: GPL-2.0-or-later
#include "control_server.h"

#include <pthread.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vtigwd {

namespace control = gateway::control;

ControlServer::~ControlServer() {
    stop();
}

bool ControlServer::start(const std::string& path, Handler handler, std::string& error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        error = "control socket path must be 1.." + std::to_string(sizeof(addr.sun_path) - 1) +
                " characters";
        return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            error = "cannot create " + dir.string() + ": " + ec.message();
            return false;
        }
        chmod(dir.c_str(), 0700);
    }
    // A daemon answering on the path means another instance: refuse; a dead socket is stale.
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
        bool alive = connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        close(probe);
        if (alive) {
            error = "another vtigwd is listening on " + path;
            return false;
        }
    }
    unlink(path.c_str());

    listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    // No umask() around bind: the umask is the process's, and the FRR thread creates FRR's
    // directories meanwhile (a 0600 /run/frr locked FRR's daemons out). Connecting needs write
    // permission on the socket, which only its owner has until the chmod.
    int rc = bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    if (rc < 0 || chmod(path.c_str(), 0600) < 0 || listen(listen_fd_, 8) < 0) {
        error = "bind " + path + ": " + std::strerror(errno);
        close(listen_fd_);
        listen_fd_ = -1;
        return false;
    }
    if (pipe2(wake_, O_CLOEXEC) < 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return false;
    }
    path_ = path;
    handler_ = std::move(handler);
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "vtigw-control");
        serve();
    });
    return true;
}

void ControlServer::stop() {
    if (thread_.joinable()) {
        char c = 0;
        (void)!write(wake_[1], &c, 1);
        thread_.join();
    }
    for (int* fd : {&listen_fd_, &wake_[0], &wake_[1]}) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
    }
    if (!path_.empty()) unlink(path_.c_str());
    path_.clear();
}

void ControlServer::serve() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents) return;
        if (!(fds[0].revents & POLLIN)) continue;
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        answer(fd);
        close(fd);
    }
}

void ControlServer::answer(int fd) {
    auto reply = [fd](const control::Reply& r) {
        std::string line = control::encode(r) + "\n";
        for (size_t off = 0; off < line.size();) {
            ssize_t n = send(fd, line.data() + off, line.size() - off, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            off += static_cast<size_t>(n);
        }
    };
    control::Reply denied;
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
        (cred.uid != 0 && cred.uid != geteuid())) {
        denied.error = "permission denied";
        reply(denied);
        return;
    }
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    std::string in;
    char buf[4096];
    while (in.find('\n') == std::string::npos) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        if (in.size() > 64 * 1024) {
            denied.error = "request too long";
            reply(denied);
            return;
        }
    }
    if (auto nl = in.find('\n'); nl != std::string::npos) in.resize(nl);
    std::string error;
    auto request = control::decode_request(in, error);
    if (!request) {
        control::Reply bad;
        bad.error = error;
        reply(bad);
        return;
    }
    reply(handler_(*request));
}

}  // namespace vtigwd
