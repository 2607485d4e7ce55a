// SPDX-License-Identifier: GPL-2.0-or-later
// `vtigw up`: checks the configuration, starts the daemon (`vtigw run`) in the background with its
// log in a file, and with --wait follows the tunnels until every initiating one is up or a cause
// for failure is known.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cli_output.h"
#include "gateway/cli.h"
#include "gateway/control.h"
#include "gateway/loader.h"
#include "status_table.h"

namespace gateway::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::string default_log_path(const std::string& control) {
    std::filesystem::path p(control);
    if (p.extension() == ".sock") return p.replace_extension(".log").string();
    return control + ".log";
}

/** The last `n` lines of `file`. */
std::string tail(const std::string& file, size_t n) {
    std::ifstream in(file);
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
        if (lines.size() > n) lines.pop_front();
    }
    std::string out;
    for (const auto& l : lines) out += "  " + l + "\n";
    return out;
}

/** Starts `vtigw run` detached (own session, output to `log`); returns its pid or -1. */
pid_t spawn_daemon(const Args& args, const std::string& config, const std::string& log) {
    std::vector<std::string> argv = {"vtigw", "run",       "-c",
                                     config,  "--control", args.daemon.control};
    if (args.daemon.verbose) argv.push_back("--verbose");
    if (!args.daemon.settings.empty())
        argv.insert(argv.end(), {"--settings", args.daemon.settings});
    if (!args.daemon.plugins.empty()) argv.insert(argv.end(), {"--plugins", args.daemon.plugins});
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    pid_t pid = fork();
    if (pid != 0) return pid;
    setsid();
    int null = open("/dev/null", O_RDONLY);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (null < 0 || out < 0) _exit(kDaemonError);
    dup2(null, 0);
    dup2(out, 1);
    dup2(out, 2);
    if (chdir("/") != 0) _exit(kDaemonError);
    execv("/proc/self/exe", cargv.data());
    _exit(kDaemonError);
}

/** The exit code of `up` for a daemon that exited with `status`. */
int daemon_exit_cause(int status) {
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == kConfigError || code == kKernelError) return code;
    }
    return kDaemonError;
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/** One progress line about the initiating tunnels not up yet. */
std::string waiting_line(const control::Reply& r) {
    std::string out;
    for (const auto& t : r.tunnels) {
        if (t.start_action != "initiate" || t.up) continue;
        out += (out.empty() ? "" : "; ") + t.name + ": " + tunnel_state(t);
        if (t.attempts > 1) out += ", attempt " + std::to_string(t.attempts);
        if (!t.last_error.empty()) out += ", last error: " + t.last_error;
    }
    return out;
}

}  // namespace

int run_up(const Args& args) {
    LoadResult loaded = load_config_file(args.config);
    print_diagnostics(args.config, loaded.diagnostics);
    if (!loaded.ok()) {
        std::fprintf(stderr, "vtigw: %s: %zu error(s); nothing started\n", args.config.c_str(),
                     loaded.diagnostics.error_count());
        return kConfigError;
    }
    auto running = control::call(args.daemon.control, {"status", ""}, std::chrono::seconds(5));
    if (running.ok) {
        std::fprintf(stderr,
                     "vtigw: a vtigw daemon (gateway %s) already answers on %s; nothing started "
                     "(`vtigw down` stops it)\n",
                     running.gateway.c_str(), args.daemon.control.c_str());
        return kDaemonError;
    }
    std::error_code ec;
    auto dir = std::filesystem::path(args.daemon.control).parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir)) {
        std::filesystem::create_directories(dir, ec);
        if (!ec) chmod(dir.c_str(), 0700);
    }
    std::string config = std::filesystem::absolute(args.config, ec).string();
    std::string log = args.log.empty() ? default_log_path(args.daemon.control) : args.log;

    const auto started = Clock::now();
    pid_t pid = spawn_daemon(args, config, log);
    if (pid < 0) {
        std::perror("vtigw: fork");
        return kDaemonError;
    }
    // Until the daemon exits (a cause) or its control socket answers (ready).
    auto daemon_exited = [&](int& code) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) != pid) return false;
        code = daemon_exit_cause(status);
        std::fprintf(stderr, "vtigw: the daemon stopped during start-up; its log (%s) ends:\n%s",
                     log.c_str(), tail(log, 12).c_str());
        return true;
    };
    const auto ready_deadline =
        started + std::chrono::seconds(std::max(120u, args.wait_seconds.value_or(0)));
    auto last_progress = started;
    control::Reply status;
    for (;;) {
        int code = 0;
        if (daemon_exited(code)) return code;
        status = control::call(args.daemon.control, {"status", ""}, std::chrono::seconds(5));
        if (status.ok) break;
        if (Clock::now() > ready_deadline) {
            std::fprintf(stderr,
                         "vtigw: the daemon (pid %d) did not answer on %s within %.0f s; see %s\n",
                         pid, args.daemon.control.c_str(), seconds_since(started), log.c_str());
            return kDaemonError;
        }
        if (Clock::now() - last_progress >= std::chrono::seconds(5)) {
            std::fprintf(stderr, "vtigw: starting the daemon (%.0f s)…\n", seconds_since(started));
            last_progress = Clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::fprintf(stderr, "vtigw: daemon started (pid %d, gateway %s, control %s, log %s)\n", pid,
                 status.gateway.c_str(), args.daemon.control.c_str(), log.c_str());
    if (!args.wait_seconds) return kOk;

    const auto deadline = started + std::chrono::seconds(*args.wait_seconds);
    for (;;) {
        size_t initiating = 0, up = 0;
        for (const auto& t : status.tunnels) {
            if (t.start_action != "initiate") continue;
            initiating++;
            if (t.up) up++;
            if (!t.up && t.error_cause == "auth") {
                std::fprintf(stderr,
                             "vtigw: tunnel %s: %s\nvtigw: the daemon keeps running and retrying; "
                             "`vtigw down` stops it\n",
                             t.name.c_str(), t.last_error.c_str());
                return kAuthFailed;
            }
        }
        if (up == initiating) {
            std::fprintf(stderr, "vtigw: %zu initiating tunnel(s) up after %.1f s\n", initiating,
                         seconds_since(started));
            return kOk;
        }
        if (Clock::now() >= deadline) {
            int code = kTimeout;
            for (const auto& t : status.tunnels) {
                if (t.start_action != "initiate" || t.up) continue;
                std::fprintf(stderr, "vtigw: tunnel %s is not up after %u s: %s\n", t.name.c_str(),
                             *args.wait_seconds,
                             t.last_error.empty() ? "no answer yet, no error reported"
                                                  : t.last_error.c_str());
                if (t.error_cause == "unreachable") code = kPeerUnreachable;
            }
            std::fprintf(stderr,
                         "vtigw: the daemon keeps running and retrying; `vtigw down` stops it\n");
            return code;
        }
        if (Clock::now() - last_progress >= std::chrono::seconds(5)) {
            std::fprintf(stderr, "vtigw: waiting (%.0f s of %u): %zu/%zu up; %s\n",
                         seconds_since(started), *args.wait_seconds, up, initiating,
                         waiting_line(status).c_str());
            last_progress = Clock::now();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        int code = 0;
        if (daemon_exited(code)) return code;
        status = control::call(args.daemon.control, {"status", ""}, std::chrono::seconds(5));
        if (!status.ok) {
            std::fprintf(stderr, "vtigw: the daemon stopped answering: %s; see %s\n",
                         status.error.c_str(), log.c_str());
            return kDaemonError;
        }
    }
}

}  // namespace gateway::cli
