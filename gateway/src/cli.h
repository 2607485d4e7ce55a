#pragma once
// The vtigw command line: argument parsing and one function per command. Exit codes:
// 0 success, 1 configuration (or command) failure, 2 usage error.

#include <optional>
#include <string>
#include <vector>

namespace gateway::cli {

/** Exit code for a usage error. */
inline constexpr int kUsage = 2;

/** Parsed command line. */
struct Args {
    /** The command word ("check", "plan", "mtu", …). */
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
};

/** Parses argv; on error prints a message and usage to stderr and returns nullopt. */
std::optional<Args> parse_args(int argc, char** argv);

/** Prints the usage text to stderr. */
void print_usage();

/** `vtigw check`. */
int run_check(const Args& args);
/** `vtigw plan`. */
int run_plan(const Args& args);
/** `vtigw mtu`. */
int run_mtu(const Args& args);

}  // namespace gateway::cli
