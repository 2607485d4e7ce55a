#include <charconv>
#include <cstdio>
#include <cstring>

#include "cli.h"

namespace gateway::cli {

void print_usage() {
    std::fprintf(stderr,
                 "usage: vtigw check -c FILE [--json]\n"
                 "       vtigw plan -c FILE [--json] [--offline]\n"
                 "       vtigw mtu --esp PROPOSAL --underlay-mtu N [--natt] [--ipv6-outer] "
                 "[--json]\n"
                 "       vtigw --version\n");
}

namespace {

bool fail(const std::string& msg) {
    std::fprintf(stderr, "vtigw: %s\n", msg.c_str());
    print_usage();
    return false;
}

bool parse_uint(const char* s, unsigned& out) {
    auto [end, ec] = std::from_chars(s, s + std::strlen(s), out);
    return ec == std::errc() && *end == '\0';
}

}  // namespace

std::optional<Args> parse_args(int argc, char** argv) {
    Args a;
    if (argc < 2) {
        fail("missing command");
        return std::nullopt;
    }
    a.command = argv[1];
    if (a.command != "check" && a.command != "plan" && a.command != "mtu") {
        fail("unknown command \"" + a.command + "\"");
        return std::nullopt;
    }
    for (int i = 2; i < argc; ++i) {
        std::string opt = argv[i];
        std::string value;
        bool has_inline = false;
        if (auto eq = opt.find('='); opt.starts_with("--") && eq != std::string::npos) {
            value = opt.substr(eq + 1);
            opt = opt.substr(0, eq);
            has_inline = true;
        }
        auto need_value = [&](std::string& dst) {
            if (has_inline) {
                dst = value;
                return true;
            }
            if (i + 1 >= argc) return fail(opt + " needs a value");
            dst = argv[++i];
            return true;
        };
        bool config_cmd = a.command != "mtu";
        if (config_cmd && (opt == "-c" || opt == "--config")) {
            if (!need_value(a.config)) return std::nullopt;
        } else if (opt == "--json") {
            a.json = true;
        } else if (a.command == "plan" && opt == "--offline") {
            a.offline = true;
        } else if (!config_cmd && opt == "--esp") {
            if (!need_value(a.esp)) return std::nullopt;
        } else if (!config_cmd && opt == "--underlay-mtu") {
            std::string v;
            unsigned n = 0;
            if (!need_value(v)) return std::nullopt;
            if (!parse_uint(v.c_str(), n) || n < 68 || n > 65535) {
                fail("--underlay-mtu: \"" + v + "\" is not a number from 68 to 65535");
                return std::nullopt;
            }
            a.underlay_mtu = n;
        } else if (!config_cmd && opt == "--natt") {
            a.natt = true;
        } else if (!config_cmd && opt == "--ipv6-outer") {
            a.ipv6_outer = true;
        } else {
            fail("unknown option \"" + opt + "\" for " + a.command);
            return std::nullopt;
        }
    }
    if (a.command != "mtu" && a.config.empty()) {
        fail(a.command + " needs -c FILE");
        return std::nullopt;
    }
    if (a.command == "mtu" && (a.esp.empty() || !a.underlay_mtu)) {
        fail("mtu needs --esp PROPOSAL and --underlay-mtu N");
        return std::nullopt;
    }
    return a;
}

}  // namespace gateway::cli
