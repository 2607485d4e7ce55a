// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace frr {
namespace {

constexpr size_t kMaxOutput = 1 << 20;

void read_available(int fd, std::string& out, bool& eof) {
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            if (out.size() < kMaxOutput)
                out.append(buf, std::min(size_t(n), kMaxOutput - out.size()));
            continue;
        }
        if (n == 0) eof = true;
        if (n < 0 && errno == EINTR) continue;
        return;
    }
}

}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += a.find(' ') == std::string::npos ? a : "'" + a + "'";
    }
    return s;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    CommandResult r;
    if (argv.empty()) {
        r.start_error = "empty command";
        return r;
    }
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        r.start_error = std::string("pipe: ") + strerror(errno);
        return r;
    }
    pid_t pid = fork();
    if (pid < 0) {
        r.start_error = std::string("fork: ") + strerror(errno);
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    if (pid == 0) {
        // Only async-signal-safe calls until exec: the caller may be multi-threaded.
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close_range(3, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(cargv[0], cargv.data());
        const char msg[] = "exec failed\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(127);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool eof = false;
    int status = 0;
    bool exited = false;
    while (!exited) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            r.timed_out = true;
            break;
        }
        struct pollfd p = {fds[0], POLLIN, 0};
        // Short polls: a daemon that forked may keep the pipe open after its parent exited.
        int wait_ms = eof ? 20 : static_cast<int>(std::min<long>(left.count(), 50));
        if (!eof && poll(&p, 1, wait_ms) > 0) read_available(fds[0], r.output, eof);
        if (eof) usleep(wait_ms * 1000);
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) exited = true;
    }
    if (!eof) read_available(fds[0], r.output, eof);
    close(fds[0]);
    if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    return r;
}

}  // namespace frr
