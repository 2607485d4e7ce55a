// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <cstring>

#include "gateway/cli.h"
#include "gateway/control.h"

namespace gateway::cli {

namespace {

// One entry per command of commands() (cli_args.cpp), in the order `vtigw --help` lists them.
// The man page vtigw(8) and the bash completion follow this table; tests check they agree.
const CommandHelp kCommands[] = {
    {"check", "-c FILE [--json]",
     "Validate a configuration file: exit 0 with a one-line summary, or 1 with every error\n"
     "(its JSON pointer, the value and what is expected) on stderr.",
     "  -c, --config FILE  the configuration file\n"
     "  --json             the result as one JSON object on stdout\n"},
    {"plan", "-c FILE [--json] [--offline] [--control PATH]",
     "Show what applying FILE would change, each kernel change as its ip/sysctl/nft command,\n"
     "and on a BGP gateway FRR's configuration (passwords redacted).\n"
     "With a daemon running, exactly what `vtigw reload` would change, FRR's lines included\n"
     "(added and removed, against FRR's running configuration); nothing is changed.",
     "  -c, --config FILE  the configuration file\n"
     "  --json             the plan as one JSON object\n"
     "  --offline          diff against an empty kernel instead of the live one\n"
     "  --control PATH     the daemon's control socket\n"},
    {"mtu", "--esp PROPOSAL --underlay-mtu N [--natt] [--ipv6-outer] [--json]",
     "Print the largest inner MTU whose ESP packets fit an underlay MTU of N.",
     "  --esp PROPOSAL     an ESP proposal in strongSwan syntax, e.g. aes256gcm16\n"
     "  --underlay-mtu N   the path MTU to the peer (68 to 65535)\n"
     "  --natt             add the NAT-T UDP header\n"
     "  --ipv6-outer       IPv6 outer header\n"
     "  --json             the result as JSON\n"},
    {"up", "-c FILE [--wait[=SECONDS]] [--control PATH] [--log FILE] [--verbose]",
     "Check FILE, then start the daemon in the background. With --wait (default 60 s), return 0\n"
     "only when every initiating tunnel is up, else the exit code of the cause.",
     "  -c, --config FILE  the configuration file\n"
     "  --wait[=SECONDS]   wait for the tunnels (1 to 86400 s, default 60)\n"
     "  --control PATH     the control socket\n"
     "  --log FILE         the daemon's log (default: the socket path with .log)\n"
     "  -v, --verbose      log every kernel change and charon's negotiation\n"},
    {"run", "-c FILE [--control PATH] [--verbose]",
     "Run the daemon in the foreground (for systemd) until `vtigw down`, SIGTERM or SIGINT;\n"
     "SIGHUP reloads the file.",
     "  -c, --config FILE  the configuration file\n"
     "  --control PATH     the control socket\n"
     "  -v, --verbose      log every kernel change and charon's negotiation\n"},
    {"reload", "[-c FILE] [--json] [--control PATH]",
     "Move the running daemon to FILE (default: the file it runs), changing only the tunnels\n"
     "that differ, then FRR's configuration (the lines added and removed are printed). An\n"
     "invalid file, or one whose FRR configuration FRR refuses, changes nothing.",
     "  -c, --config FILE  the new configuration file\n"
     "  --json             the result as JSON\n"
     "  --control PATH     the daemon's control socket\n"},
    {"status", "[--json] [--control PATH]",
     "Show every configured tunnel: IKE and CHILD SA state, SPIs, counters, last error.",
     "  --json             one JSON object\n"
     "  --control PATH     the daemon's control socket\n"},
    {"reset", "TUNNEL [--control PATH]",
     "Delete TUNNEL's SAs; an initiating tunnel negotiates again.",
     "  --control PATH     the daemon's control socket\n"},
    {"metrics", "[--control PATH]",
     "Print the daemon's metrics in Prometheus text format (the same as its HTTP endpoint):\n"
     "every configured tunnel's up state, traffic totals across rekeys, rekeys, flaps, failures.",
     "  --control PATH     the daemon's control socket\n"},
    {"down", "[-c FILE] [--control PATH]",
     "Stop the daemon: delete every SA and remove every vtigw-owned kernel object. With no\n"
     "daemon running, remove whatever a crashed one left.",
     "  -c, --config FILE  the configuration file (with no daemon running)\n"
     "  --control PATH     the daemon's control socket\n"},
};

void print_footer(std::FILE* out) {
    std::fprintf(out,
                 "The control socket defaults to $VTIGW_CONTROL, else %s.\n"
                 "Exit codes: 0 ok, 1 config error, 2 usage, 3 kernel error, 4 IKE authentication "
                 "failed,\n"
                 "            5 peer unreachable, 6 timed out, 7 daemon not running or failed.\n",
                 control::kDefaultSocketPath);
}

}  // namespace

std::span<const CommandHelp> command_table() {
    return kCommands;
}

const CommandHelp* command_help(const std::string& command) {
    for (const CommandHelp& c : kCommands)
        if (command == c.name) return &c;
    return nullptr;
}

void print_usage(std::FILE* out) {
    const char* lead = "usage:";
    for (const CommandHelp& c : kCommands) {
        std::fprintf(out, "%-6s vtigw %-6s %s\n", lead, c.name, c.synopsis);
        lead = "";
    }
    std::fprintf(out,
                 "       vtigw --version\n"
                 "       vtigw COMMAND --help\n");
    print_footer(out);
}

void print_command_help(const CommandHelp& command, std::FILE* out) {
    std::fprintf(out, "usage: vtigw %s %s\n\n%s\n\noptions:\n%s  -h, --help         this help\n\n",
                 command.name, command.synopsis, command.summary, command.options);
    print_footer(out);
}

}  // namespace gateway::cli
