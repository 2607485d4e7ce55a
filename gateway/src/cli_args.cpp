// SPDX-License-Identifier: GPL-2.0-or-later
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "gateway/cli.h"
#include "gateway/control.h"

namespace gateway::cli {

namespace {

bool fail(const std::string& msg) {
    std::fprintf(stderr, "vtigw: %s\n", msg.c_str());
    print_usage(stderr);
    return false;
}

bool parse_uint(const std::string& s, unsigned& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

/** Which options each command takes. */
struct Accepts {
    bool config = false;
    bool config_required = false;
    bool json = false;
    bool daemon = false;  // --control
    bool starts = false;  // --verbose, --settings, --plugins
};

Accepts accepts(const std::string& cmd) {
    Accepts a;
    a.config = cmd == "check" || cmd == "plan" || cmd == "up" || cmd == "run" || cmd == "down" ||
               cmd == "reload";
    a.config_required = a.config && cmd != "down" && cmd != "reload";
    a.json = cmd == "check" || cmd == "plan" || cmd == "mtu" || cmd == "status" || cmd == "reload";
    a.daemon = cmd == "up" || cmd == "run" || cmd == "status" || cmd == "reset" || cmd == "down" ||
               cmd == "reload" || cmd == "plan" || cmd == "metrics";
    a.starts = cmd == "up" || cmd == "run";
    return a;
}

}  // namespace

const std::set<std::string>& commands() {
    static const std::set<std::string> c = {"check",  "plan",  "mtu",  "up",    "run",
                                            "status", "reset", "down", "reload", "metrics"};
    return c;
}

std::optional<Args> parse_args(int argc, char** argv) {
    Args a;
    if (argc < 2) {
        fail("missing command");
        return std::nullopt;
    }
    a.command = argv[1];
    if (!commands().count(a.command)) {
        fail("unknown command \"" + a.command + "\"");
        return std::nullopt;
    }
    const Accepts acc = accepts(a.command);
    const char* env_control = std::getenv("VTIGW_CONTROL");
    a.daemon.control = env_control && *env_control ? env_control : control::kDefaultSocketPath;

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
            } else if (i + 1 < argc) {
                dst = argv[++i];
            } else {
                return fail(opt + " needs a value");
            }
            if (dst.empty()) return fail(opt + " needs a non-empty value");
            return true;
        };
        bool ok = true;
        if (opt == "-h" || opt == "--help") {
            a.help = true;
            return a;
        } else if (acc.config && (opt == "-c" || opt == "--config")) {
            ok = need_value(a.config);
        } else if (acc.json && opt == "--json") {
            a.json = true;
        } else if (a.command == "plan" && opt == "--offline") {
            a.offline = true;
        } else if (a.command == "mtu" && opt == "--esp") {
            ok = need_value(a.esp);
        } else if (a.command == "mtu" && opt == "--underlay-mtu") {
            std::string v;
            unsigned n = 0;
            ok = need_value(v);
            if (ok && (!parse_uint(v, n) || n < 68 || n > 65535))
                ok = fail("--underlay-mtu: \"" + v + "\" is not a number from 68 to 65535");
            a.underlay_mtu = n;
        } else if (a.command == "mtu" && opt == "--natt") {
            a.natt = true;
        } else if (a.command == "mtu" && opt == "--ipv6-outer") {
            a.ipv6_outer = true;
        } else if (acc.daemon && opt == "--control") {
            ok = need_value(a.daemon.control);
        } else if (a.command == "up" && opt == "--wait") {
            unsigned n = kDefaultWaitSeconds;
            if (has_inline && (!parse_uint(value, n) || n == 0 || n > 86400))
                ok = fail("--wait: \"" + value + "\" is not a number of seconds from 1 to 86400");
            a.wait_seconds = n;
        } else if (a.command == "up" && opt == "--log") {
            ok = need_value(a.log);
        } else if (acc.starts && (opt == "-v" || opt == "--verbose")) {
            a.daemon.verbose = true;
        } else if (acc.starts && opt == "--settings") {
            ok = need_value(a.daemon.settings);
        } else if (acc.starts && opt == "--plugins") {
            ok = need_value(a.daemon.plugins);
        } else if (a.command == "reset" && !opt.starts_with("-") && a.tunnel.empty()) {
            a.tunnel = opt;
        } else {
            ok = fail("unknown option \"" + std::string(argv[i]) + "\" for " + a.command);
        }
        if (!ok) return std::nullopt;
    }
    if (acc.config_required && a.config.empty()) {
        fail(a.command + " needs -c FILE");
        return std::nullopt;
    }
    if (a.command == "mtu" && (a.esp.empty() || !a.underlay_mtu)) {
        fail("mtu needs --esp PROPOSAL and --underlay-mtu N");
        return std::nullopt;
    }
    if (a.command == "reset" && a.tunnel.empty()) {
        fail("reset needs the name of a tunnel");
        return std::nullopt;
    }
    a.daemon.config = a.config;
    return a;
}

}  // namespace gateway::cli
