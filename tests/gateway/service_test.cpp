// SPDX-License-Identifier: GPL-2.0-or-later
// The service-manager side (gateway/service.h): sd_notify datagrams received on a temporary
// NOTIFY_SOCKET (a path and an abstract "@" socket), the watchdog interval, the journal
// detection, the STATUS= line and log priorities.
#include "gateway/service.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using gateway::service::Priority;

/** A datagram socket standing in for systemd's notify socket; sets NOTIFY_SOCKET. */
class FakeSystemd {
  public:
    /** `abstract`: bind "@name" (Linux abstract namespace) instead of a file. */
    explicit FakeSystemd(bool abstract) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::string name;
        socklen_t len;
        if (abstract) {
            name = "@vtigw-test-notify-" + std::to_string(getpid());
            std::memcpy(addr.sun_path + 1, name.c_str() + 1, name.size() - 1);
            len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        } else {
            name = "/tmp/vtigw-test-notify-" + std::to_string(getpid());
            unlink(name.c_str());
            std::memcpy(addr.sun_path, name.c_str(), name.size() + 1);
            len = sizeof(addr);
            path_ = name;
        }
        EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
        setenv("NOTIFY_SOCKET", name.c_str(), 1);
    }
    ~FakeSystemd() {
        unsetenv("NOTIFY_SOCKET");
        close(fd_);
        if (!path_.empty()) unlink(path_.c_str());
    }
    /** The next datagram, "" when none comes within a second. */
    std::string receive() {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 1000) != 1) return "";
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof(buf), 0);
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
    }

  private:
    int fd_ = -1;
    std::string path_;
};

TEST(ServiceNotify, SendsToAPathSocket) {
    FakeSystemd systemd(false);
    EXPECT_TRUE(gateway::service::notify("READY=1\nSTATUS=1/1 tunnels up"));
    EXPECT_EQ(systemd.receive(), "READY=1\nSTATUS=1/1 tunnels up");
}

TEST(ServiceNotify, SendsToAnAbstractSocket) {
    FakeSystemd systemd(true);
    EXPECT_TRUE(gateway::service::notify("STOPPING=1"));
    EXPECT_EQ(systemd.receive(), "STOPPING=1");
}

TEST(ServiceNotify, ReloadingCarriesMonotonicUsec) {
    FakeSystemd systemd(false);
    uint64_t before = gateway::service::monotonic_usec();
    gateway::service::notify("RELOADING=1\nMONOTONIC_USEC=" +
                             std::to_string(gateway::service::monotonic_usec()));
    std::string got = systemd.receive();
    ASSERT_TRUE(got.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << got;
    uint64_t usec = std::stoull(got.substr(got.find('=', 12) + 1));
    EXPECT_GE(usec, before);
    EXPECT_LE(usec, gateway::service::monotonic_usec());
}

TEST(ServiceNotify, IsANoOpWithoutSystemd) {
    unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(gateway::service::notify("READY=1"));
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    EXPECT_FALSE(gateway::service::notify("READY=1"));
    unsetenv("NOTIFY_SOCKET");
}

TEST(ServiceWatchdog, HalfOfWatchdogUsecForThisProcessOnly) {
    setenv("WATCHDOG_USEC", "60000000", 1);
    unsetenv("WATCHDOG_PID");
    EXPECT_EQ(gateway::service::watchdog_interval().count(), 30000000);
    setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
    EXPECT_EQ(gateway::service::watchdog_interval().count(), 30000000);
    setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
    EXPECT_EQ(gateway::service::watchdog_interval().count(), 0);
    unsetenv("WATCHDOG_PID");
    setenv("WATCHDOG_USEC", "x", 1);
    EXPECT_EQ(gateway::service::watchdog_interval().count(), 0);
    unsetenv("WATCHDOG_USEC");
    EXPECT_EQ(gateway::service::watchdog_interval().count(), 0);
}

TEST(ServiceJournal, DetectedOnlyWhenJournalStreamIsStderr) {
    struct stat st {};
    ASSERT_EQ(fstat(STDERR_FILENO, &st), 0);
    std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    setenv("JOURNAL_STREAM", mine.c_str(), 1);
    EXPECT_TRUE(gateway::service::stderr_is_journal());
    setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":1").c_str(), 1);
    EXPECT_FALSE(gateway::service::stderr_is_journal());
    unsetenv("JOURNAL_STREAM");
    EXPECT_FALSE(gateway::service::stderr_is_journal());
}

gateway::control::TunnelStatus tunnel(const char* name, bool up, const char* error = "",
                                      const char* start = "initiate") {
    gateway::control::TunnelStatus t;
    t.name = name;
    t.up = up;
    t.last_error = error;
    t.start_action = start;
    return t;
}

TEST(ServiceStatusLine, CountsUpTunnelsAndNamesTheFirstFailure) {
    gateway::control::Reply r;
    r.tunnels = {tunnel("aws-1", true), tunnel("gcp", false, "", "respond"),
                 tunnel("aws-2", false, "peer unreachable: no answer to IKE_SA_INIT"),
                 tunnel("x", true)};
    EXPECT_EQ(gateway::service::status_line(r),
              "2/4 tunnels up; aws-2: peer unreachable: no answer to IKE_SA_INIT");
}

TEST(ServiceStatusLine, NamesADownTunnelWithoutErrorAndStaysOneLine) {
    gateway::control::Reply r;
    r.tunnels = {tunnel("a", true), tunnel("b", false, "", "respond")};
    EXPECT_EQ(gateway::service::status_line(r), "1/2 tunnels up; b: waiting for the peer");
    r.tunnels = {tunnel("a\nb", false, "bad\nthing")};
    EXPECT_EQ(gateway::service::status_line(r), "0/1 tunnels up; a b: bad thing");
    r.tunnels = {tunnel("a", true)};
    EXPECT_EQ(gateway::service::status_line(r), "1/1 tunnels up");
}

TEST(ServicePriority, ErrorsDegradedTunnelsNoticesAndProgress) {
    using gateway::service::priority_of;
    EXPECT_EQ(priority_of("kernel: RTM_NEWLINK vti0: Operation not supported"), Priority::kError);
    EXPECT_EQ(priority_of("reload: configuration /etc/vtigw/vtigw.json is invalid; nothing "
                          "changed"),
              Priority::kError);
    EXPECT_EQ(priority_of("tunnel aws-2: peer unreachable: no answer to IKE_SA_INIT"),
              Priority::kWarning);
    EXPECT_EQ(priority_of("tunnel a: authentication failed: the peer rejected our credentials"),
              Priority::kWarning);
    EXPECT_EQ(priority_of("tunnel a: CHILD_SA installed (spi in c1, out c2)"), Priority::kNotice);
    EXPECT_EQ(priority_of("tunnel a: IKE_SA down (#3)"), Priority::kNotice);
    EXPECT_EQ(priority_of("reload: done (2 tunnel(s), 1 untouched)"), Priority::kNotice);
    EXPECT_EQ(priority_of("tunnel a: initiating"), Priority::kInfo);
    EXPECT_EQ(priority_of("kernel: 12 change(s) applied"), Priority::kInfo);
}

}  // namespace

namespace {

using Verdict = gateway::service::Watchdog::Verdict;

TEST(ServiceWatchdog, PingsEveryIntervalWhileTheHeartbeatIsFresh) {
    gateway::service::Watchdog w(std::chrono::seconds(30), 5000);
    EXPECT_EQ(w.tick(100000, 99500), Verdict::Ping);
    EXPECT_EQ(w.tick(110000, 109000), Verdict::Idle);  // not due yet
    EXPECT_EQ(w.tick(130000, 129800), Verdict::Ping);  // 30 s later
}

TEST(ServiceWatchdog, WithholdsWhileCharonsSchedulerDoesNotRun) {
    gateway::service::Watchdog w(std::chrono::seconds(30), 5000);
    EXPECT_EQ(w.tick(1000, 0), Verdict::Withheld);        // no heartbeat yet
    EXPECT_EQ(w.tick(100000, 94000), Verdict::Withheld);  // 6 s old
    EXPECT_EQ(w.tick(100200, 94000), Verdict::Withheld);  // retried, still stale
    EXPECT_EQ(w.tick(101000, 100900), Verdict::Ping);     // the scheduler runs again
}

TEST(ServiceWatchdog, OffWithoutAnInterval) {
    gateway::service::Watchdog w(std::chrono::microseconds(0));
    EXPECT_EQ(w.tick(100000, 99999), Verdict::Idle);
}

}  // namespace
