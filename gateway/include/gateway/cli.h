// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The vtigw command line: argument parsing and one function per command.
//
// Exit codes (stable; scripts may rely on them):
//   0 success
//   1 configuration error (or a command the daemon refused)
//   2 usage error
//   3 kernel error (the VTI manager could not apply or remove state)
//   4 IKE authentication failed (PSK or certificate rejected, either side)
//   5 peer unreachable (no answer to IKE)
//   6 timed out (up --wait) without a more specific cause
//   7 daemon not running, not reachable, or failed to start

#include <cstdio>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace gateway::cli {

inline constexpr int kOk = 0;
inline constexpr int kConfigError = 1;
inline constexpr int kUsage = 2;
inline constexpr int kKernelError = 3;
inline constexpr int kAuthFailed = 4;
inline constexpr int kPeerUnreachable = 5;
inline constexpr int kTimeout = 6;
inline constexpr int kDaemonError = 7;

/** Default seconds for a bare `up --wait`. */
inline constexpr unsigned kDefaultWaitSeconds = 60;

/** What the daemon (`vtigw run`, and the background daemon of `up`) needs to start. */
struct DaemonOptions {
    /** The vtigw configuration file. */
    std::string config;
    /** Control socket path. */
    std::string control;
    /** strongswan.conf for the embedded charon ("" reads none of the system's). */
    std::string settings;
    /** Charon plugins to load ("" for vtigw's default list). */
    std::string plugins;
    /** More log lines: every kernel change as its command, charon at level 2. */
    bool verbose = false;
};

/** Runs the daemon in the foreground until `down` or SIGTERM/SIGINT; returns the exit code. */
using DaemonFn = int (*)(const DaemonOptions& options);

/** Parsed command line. */
struct Args {
    /** The command word ("check", "plan", "mtu", "up", "run", "status", "reset", "down",
     *  "reload"). */
    std::string command;
    /** -c / --config FILE. */
    std::string config;
    /** --json. */
    bool json = false;
    /** mtu: --esp PROPOSAL. */
    std::string esp;
    /** mtu: --underlay-mtu N. */
    std::optional<unsigned> underlay_mtu;
    /** mtu: --natt. */
    bool natt = false;
    /** mtu: --ipv6-outer. */
    bool ipv6_outer = false;
    /** plan: --offline (diff against an empty kernel instead of reading the current state). */
    bool offline = false;
    /** up: --wait[=SECONDS] (nullopt: do not wait for the tunnels). */
    std::optional<unsigned> wait_seconds;
    /** up: --log FILE (default: the control path with ".log" instead of ".sock"). */
    std::string log;
    /** reset: the tunnel name. */
    std::string tunnel;
    /** Daemon options (up, run) and the control socket (every daemon command). */
    DaemonOptions daemon;
    /** `vtigw COMMAND --help` (or -h): print the command's help instead of running it. */
    bool help = false;
};

/** Parses argv; on error prints a message and usage to stderr and returns nullopt. */
std::optional<Args> parse_args(int argc, char** argv);

/** Every command word parse_args accepts. */
const std::set<std::string>& commands();

/** Help of one command, for `vtigw --help`, `vtigw COMMAND --help` and the man page. */
struct CommandHelp {
    /** The command word. */
    const char* name;
    /** Its arguments, e.g. "-c FILE [--json]". */
    const char* synopsis;
    /** What it does (lines end with \n except the last). */
    const char* summary;
    /** One line per option, each ending with \n. */
    const char* options;
};

/** Every command's help, in the order the usage text lists them (one per commands() entry). */
std::span<const CommandHelp> command_table();

/** The help of `command`, or nullptr when there is none. */
const CommandHelp* command_help(const std::string& command);

/** Prints the usage text (every command's synopsis) to `out`: stdout for --help, stderr for
 *  usage errors. */
void print_usage(std::FILE* out);

/** Prints one command's synopsis, description and options to `out`. */
void print_command_help(const CommandHelp& command, std::FILE* out);

/** `vtigw check`. */
int run_check(const Args& args);
/** `vtigw plan`. */
int run_plan(const Args& args);
/** `vtigw mtu`. */
int run_mtu(const Args& args);
/** `vtigw up`: starts the daemon in the background, optionally waits for the tunnels. */
int run_up(const Args& args);
/** `vtigw status`. */
int run_status(const Args& args);
/** `vtigw reset TUNNEL`. */
int run_reset(const Args& args);
/** `vtigw metrics`: the daemon's Prometheus metrics, as its HTTP endpoint serves them. */
int run_metrics(const Args& args);
/** `vtigw down`: stops the daemon; with no daemon running, removes leftover owned state. */
int run_down(const Args& args);
/** `vtigw reload [-c FILE]`: the running daemon moves to the file (default: its current one),
 *  changing only what differs. */
int run_reload(const Args& args);

/** The whole command line; `daemon` runs `vtigw run` (and the daemon `up` starts). */
int main(int argc, char** argv, DaemonFn daemon);

}  // namespace gateway::cli
