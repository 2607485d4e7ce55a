// vtigw: route-based IPsec site-to-site VPN gateway.
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli.h"
#include "gateway/version.h"

int main(int argc, char** argv) {
    if (argc > 1 &&
        (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
        std::printf("vtigw %s\n", gateway::version());
        return 0;
    }
    if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0)) {
        gateway::cli::print_usage();
        return 0;
    }
    auto args = gateway::cli::parse_args(argc, argv);
    if (!args) return gateway::cli::kUsage;
    try {
        if (args->command == "check") return gateway::cli::run_check(*args);
        if (args->command == "plan") return gateway::cli::run_plan(*args);
        if (args->command == "mtu") return gateway::cli::run_mtu(*args);
    } catch (const std::exception& e) {
        // Only reached on bugs or allocation failure; exception texts never carry secrets.
        std::fprintf(stderr, "vtigw: internal error: %s\n", e.what());
        return 1;
    }
    return gateway::cli::kUsage;
}
