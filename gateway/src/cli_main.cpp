// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <cstring>
#include <exception>

#include "gateway/cli.h"
#include "gateway/version.h"

namespace gateway::cli {

int main(int argc, char** argv, DaemonFn daemon) {
    if (argc > 1 &&
        (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
        std::printf("vtigw %s (built against strongSwan %s)\n", version(), strongswan_version());
        return kOk;
    }
    if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
                     std::strcmp(argv[1], "help") == 0)) {
        const CommandHelp* help = argc > 2 ? command_help(argv[2]) : nullptr;
        if (help)
            print_command_help(*help, stdout);
        else
            print_usage(stdout);
        return kOk;
    }
    auto args = parse_args(argc, argv);
    if (!args) return kUsage;
    if (args->help) {
        const CommandHelp* help = command_help(args->command);
        if (!help) return kUsage;
        print_command_help(*help, stdout);
        return kOk;
    }
    try {
        const std::string& c = args->command;
        if (c == "check") return run_check(*args);
        if (c == "plan") return run_plan(*args);
        if (c == "mtu") return run_mtu(*args);
        if (c == "up") return run_up(*args);
        if (c == "status") return run_status(*args);
        if (c == "reset") return run_reset(*args);
        if (c == "down") return run_down(*args);
        if (c == "reload") return run_reload(*args);
        if (c == "metrics") return run_metrics(*args);
        if (c == "run") {
            if (!daemon) {
                std::fprintf(stderr, "vtigw: this build has no daemon\n");
                return kDaemonError;
            }
            return daemon(args->daemon);
        }
    } catch (const std::exception& e) {
        // Only reached on bugs or allocation failure; exception texts never carry secrets.
        std::fprintf(stderr, "vtigw: internal error: %s\n", e.what());
        return kConfigError;
    }
    return kUsage;
}

}  // namespace gateway::cli
