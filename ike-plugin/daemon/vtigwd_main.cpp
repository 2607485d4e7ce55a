// vtigwd: the daemon alone, as `vtigw run` (kept for scripts and tests that start it directly).
//
//   vtigwd -c FILE [--control PATH] [--verbose] [--settings STRONGSWAN_CONF] [--plugins LIST]
#include <cstdio>
#include <string>

#include "daemon.h"
#include "gateway/control.h"

int main(int argc, char** argv) {
    gateway::cli::DaemonOptions o;
    o.control = gateway::control::kDefaultSocketPath;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        if ((a == "-c" || a == "--config") && value(o.config)) continue;
        if (a == "--control" && value(o.control)) continue;
        if (a == "--settings" && value(o.settings)) continue;
        if (a == "--plugins" && value(o.plugins)) continue;
        if (a == "-v" || a == "--verbose") {
            o.verbose = true;
            continue;
        }
        std::fprintf(stderr, "vtigwd: unexpected argument '%s'\n", a.c_str());
        o.config.clear();
        break;
    }
    if (o.config.empty()) {
        std::fprintf(stderr,
                     "usage: vtigwd -c FILE [--control PATH] [--verbose] [--settings FILE] "
                     "[--plugins LIST]\n");
        return gateway::cli::kUsage;
    }
    return vtigwd::run_daemon(o);
}
