// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/supervisor.h"

#include <cstring>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "frr/command.h"

namespace fs = std::filesystem;

namespace frr {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> cmdline_of(pid_t pid) {
    std::string raw = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    std::vector<std::string> args;
    std::string cur;
    for (char c : raw) {
        if (c == '\0') {
            args.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    return args;
}

/** True when `pid` is FRR's `name` daemon of `pathspace` (guards against reused pids). */
bool is_daemon(pid_t pid, const Layout& layout, const std::string& name) {
    if (pid <= 0 || kill(pid, 0) != 0) return false;
    auto args = cmdline_of(pid);
    if (args.empty() || args[0] != layout.bin_dir + "/" + name) return false;
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "-N" && args[i + 1] == layout.pathspace) return true;
    return false;
}

pid_t pid_from_file(const std::string& path) {
    std::ifstream in(path);
    long pid = 0;
    if (!(in >> pid)) return 0;
    return static_cast<pid_t>(pid);
}

std::vector<RunningDaemon> read_started(const std::string& path) {
    std::vector<RunningDaemon> out;
    std::ifstream in(path);
    RunningDaemon d;
    while (in >> d.name >> d.pid) out.push_back(d);
    return out;
}

std::string write_file(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return "cannot write " + path;
    if (chmod(path.c_str(), mode) != 0) return "cannot chmod " + path;
    return {};
}

ino_t netns_inode(pid_t pid) {
    struct stat st {};
    std::string p = pid == 0 ? "/proc/self/ns/net" : "/proc/" + std::to_string(pid) + "/ns/net";
    return stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

bool wait_gone(pid_t pid, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (kill(pid, 0) == 0) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

/** Creates `path` (and its parents), owned by FRR's user and group when they exist, with
 *  `mode` set explicitly: the umask must not decide whether FRR's daemons can enter it. */
std::string make_frr_dir(const std::string& path, mode_t mode) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return "cannot create " + path + ": " + ec.message();
    if (struct passwd* pw = getpwnam("frr")) {
        gid_t gid = pw->pw_gid;
        if (struct group* gr = getgrnam("frr")) gid = gr->gr_gid;
        if (chown(path.c_str(), pw->pw_uid, gid) != 0)
            return "cannot chown " + path + " to frr: " + std::strerror(errno);
    }
    if (chmod(path.c_str(), mode) != 0)
        return "cannot set the mode of " + path + ": " + std::strerror(errno);
    return {};
}

}  // namespace

std::vector<std::string> default_daemons() {
    return {"zebra", "bgpd", "staticd", "bfdd"};
}

Supervisor::Supervisor(Layout layout, std::vector<std::string> daemons)
    : layout_(std::move(layout)), daemons_(std::move(daemons)) {}

std::vector<RunningDaemon> Supervisor::running() const {
    std::vector<RunningDaemon> out;
    for (const auto& d : read_started(layout_.started_file()))
        if (is_daemon(d.pid, layout_, d.name)) out.push_back(d);
    return out;
}

std::string Supervisor::start() {
    if (layout_.pathspace.empty()) return "FRR pathspace is empty";
    std::error_code ec;
    fs::create_directories(layout_.work_dir, ec);
    if (ec) return "cannot create " + layout_.work_dir + ": " + ec.message();
    chmod(layout_.work_dir.c_str(), 0700);
    // FRR's own run directory, made as FRR's package makes it when vtigw is the first to need
    // it; then the pathspace's, where the daemons (FRR's user) write pid files and sockets.
    if (!layout_.state_root.empty() && !fs::exists(layout_.state_root))
        if (auto err = make_frr_dir(layout_.state_root, 0755); !err.empty()) return err;
    if (auto err = make_frr_dir(layout_.state_dir(), 0750); !err.empty()) return err;
    if (auto err = write_file(layout_.config_dir() + "/vtysh.conf",
                              "service integrated-vtysh-config\n", 0644);
        !err.empty())
        return err;

    auto started = read_started(layout_.started_file());
    std::vector<std::string> new_ones;
    for (const auto& name : daemons_) {
        auto rec = std::find_if(started.begin(), started.end(),
                                [&](const RunningDaemon& d) { return d.name == name; });
        if (rec != started.end() && is_daemon(rec->pid, layout_, name)) {
            if (netns_inode(rec->pid) != netns_inode(0))
                return "FRR " + name + " of pathspace " + layout_.pathspace + " (pid " +
                       std::to_string(rec->pid) + ") runs in another network namespace";
            continue;
        }
        pid_t other = pid_from_file(layout_.state_dir() + "/" + name + ".pid");
        if (is_daemon(other, layout_, name))
            return "FRR " + name + " already runs in pathspace " + layout_.pathspace + " (pid " +
                   std::to_string(other) +
                   ") and vtigw did not start it: stop it, or let vtigw use it (/bgp/frr/managed: "
                   "false)";
        new_ones.push_back(name);
    }
    for (const auto& name : new_ones) {
        if (auto err = start_one(name); !err.empty()) {
            // Roll back this call's daemons; adopted ones keep running.
            for (const auto& d : running())
                if (std::find(new_ones.begin(), new_ones.end(), d.name) != new_ones.end()) {
                    kill(d.pid, SIGKILL);
                    wait_gone(d.pid, 2s);
                }
            return err;
        }
    }
    return {};
}

std::string Supervisor::start_one(const std::string& name) {
    const std::string pidfile = layout_.state_dir() + "/" + name + ".pid";
    std::vector<std::string> argv{layout_.bin_dir + "/" + name,
                                  "-d",
                                  "-N",
                                  layout_.pathspace,
                                  "-P",
                                  "0",
                                  "-f",
                                  "/dev/null",
                                  "-F",
                                  "traditional",
                                  "--log",
                                  "file:" + layout_.state_dir() + "/" + name + ".log"};
    auto r = run_command(argv, 30s);
    if (!r.ok())
        return "cannot start FRR " + name + " (" + command_line(argv) + "): " +
               (r.timed_out             ? "timed out"
                : r.start_error.empty() ? r.output
                                        : r.start_error);
    pid_t pid = 0;
    for (int i = 0; i < 250 && !is_daemon(pid, layout_, name); ++i) {
        pid = pid_from_file(pidfile);
        if (!is_daemon(pid, layout_, name)) std::this_thread::sleep_for(20ms);
    }
    if (!is_daemon(pid, layout_, name))
        return "FRR " + name + " started but is not running: " + r.output;
    std::ofstream rec(layout_.started_file(), std::ios::app);
    rec << name << ' ' << pid << '\n';
    rec.close();
    if (!rec) return "cannot write " + layout_.started_file();
    return {};
}

std::string Supervisor::stop() {
    std::string errors;
    auto started = read_started(layout_.started_file());
    std::reverse(started.begin(), started.end());  // zebra last: the others unregister first
    for (const auto& d : started) {
        if (!is_daemon(d.pid, layout_, d.name)) continue;
        kill(d.pid, SIGTERM);
        if (!wait_gone(d.pid, 10s)) {
            kill(d.pid, SIGKILL);
            if (!wait_gone(d.pid, 2s))
                errors += "FRR " + d.name + " (pid " + std::to_string(d.pid) + ") does not exit; ";
        }
    }
    if (!errors.empty()) return errors;
    std::error_code ec;
    fs::remove_all(layout_.work_dir, ec);
    if (ec) errors += "cannot remove " + layout_.work_dir + ": " + ec.message() + "; ";
    fs::remove_all(layout_.state_dir(), ec);
    if (ec) errors += "cannot remove " + layout_.state_dir() + ": " + ec.message() + "; ";
    fs::remove(layout_.config_root, ec);  // only when empty: other pathspaces may live there
    return errors;
}

}  // namespace frr
