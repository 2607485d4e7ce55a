// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/service.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace gateway::service {

bool notify_enabled() {
    const char* path = std::getenv("NOTIFY_SOCKET");
    return path && (path[0] == '/' || path[0] == '@') && path[1] != '\0';
}

bool notify(std::string_view state) {
    if (!notify_enabled()) return false;
    const char* path = std::getenv("NOTIFY_SOCKET");
    sockaddr_un addr{};
    size_t len = std::strlen(path);
    if (len >= sizeof(addr.sun_path)) return false;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path, len);
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract: no terminating NUL
    socklen_t addr_len =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len + (path[0] == '/' ? 1 : 0));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    ssize_t n = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), addr_len);
    close(fd);
    return n == static_cast<ssize_t>(state.size());
}

std::chrono::microseconds watchdog_interval() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (!usec) return std::chrono::microseconds(0);
    if (const char* pid = std::getenv("WATCHDOG_PID"); pid && std::atol(pid) != getpid())
        return std::chrono::microseconds(0);
    char* end = nullptr;
    unsigned long long v = std::strtoull(usec, &end, 10);
    if (end == usec || *end != '\0' || v == 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(v / 2);
}

Watchdog::Watchdog(std::chrono::microseconds interval, int64_t stale_ms)
    : interval_ms_(interval.count() / 1000), stale_ms_(stale_ms) {}

Watchdog::Verdict Watchdog::tick(int64_t now_ms, int64_t beat_ms) {
    if (interval_ms_ <= 0 || now_ms < next_ms_) return Verdict::Idle;
    if (beat_ms == 0 || now_ms - beat_ms > stale_ms_) return Verdict::Withheld;
    next_ms_ = now_ms + interval_ms_;
    return Verdict::Ping;
}

uint64_t monotonic_usec() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return st.st_dev == dev && st.st_ino == ino;
}

Priority priority_of(std::string_view line) {
    auto has = [&](std::string_view s) { return line.find(s) != std::string_view::npos; };
    bool tunnel = line.starts_with("tunnel ");
    if (tunnel) {
        if (has(": authentication failed") || has(": peer unreachable") || has(": peer dead") ||
            has(": no acceptable") || has(": traffic selectors") ||
            has(": installing the CHILD_SA") || has(": authorization failed") ||
            has(": peer certificate") || has(": initiate failed"))
            return kWarning;
        if (has(": IKE_SA established") || has(": IKE_SA down") || has(": CHILD_SA installed") ||
            has(": CHILD_SA removed") || has(": routes") || has(": reset requested"))
            return kNotice;
        return kInfo;
    }
    if (line.starts_with("reload: ")) {
        if (has(" invalid") || has("failed") || has("kernel: ") || has("nothing changed") ||
            has("running configuration stays"))
            return kError;
        return kNotice;
    }
    if (line.starts_with("kernel: ")) {
        if (has(" change(s) applied") || has("removed ") || has("repaired ")) return kInfo;
        return kError;
    }
    if (line.starts_with("[#] ")) return kInfo;
    if (line.starts_with("IKE: ") || line.starts_with("control: ") || has(" is invalid") ||
        has("stopped with errors"))
        return kError;
    if (line.starts_with("running: ") || line.starts_with("shutting down") ||
        line.starts_with("SIGHUP") || line == "stopped")
        return kNotice;
    if (line.starts_with("watchdog: ")) return kWarning;
    return kInfo;
}

std::string status_line(const control::Reply& status) {
    size_t up = 0;
    const control::TunnelStatus* first_down = nullptr;
    const control::TunnelStatus* first_error = nullptr;
    for (const auto& t : status.tunnels) {
        if (t.up) {
            ++up;
            continue;
        }
        if (!first_down) first_down = &t;
        if (!first_error && !t.last_error.empty()) first_error = &t;
    }
    std::string line =
        std::to_string(up) + "/" + std::to_string(status.tunnels.size()) + " tunnels up";
    if (first_error) {
        line += "; " + first_error->name + ": " + first_error->last_error;
    } else if (first_down) {
        bool connecting = !first_down->ike_state.empty();
        std::string what = first_down->start_action == "initiate"
                               ? (connecting ? "connecting" : "down")
                               : "waiting for the peer";
        line += "; " + first_down->name + ": " + what;
    }
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    return line;
}

}  // namespace gateway::service
