// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/query.h"

#include "frr/command.h"

namespace frr {

std::optional<std::string> vtysh_show(const Layout& layout, const std::string& command,
                                      std::chrono::milliseconds timeout, std::string& error) {
    auto argv = layout.vtysh_argv();
    argv.push_back("-c");
    argv.push_back(command);
    auto r = run_command(argv, timeout);
    if (r.ok()) return r.output;
    error = command + ": " +
            (r.timed_out ? std::string("vtysh timed out")
             : !r.start_error.empty()
                 ? r.start_error
                 : "vtysh exited " + std::to_string(r.exit_code) + ": " + r.output.substr(0, 200));
    return std::nullopt;
}

namespace {

std::optional<std::string> ip_routes(bool ipv6, std::chrono::milliseconds timeout,
                                     std::string& error) {
    std::vector<std::string> argv{"/usr/sbin/ip", "-j"};
    if (ipv6) argv.push_back("-6");
    for (const char* a : {"route", "show", "table", "main"}) argv.push_back(a);
    auto r = run_command(argv, timeout);
    if (r.ok()) return r.output;
    error = command_line(argv) + ": exit " + std::to_string(r.exit_code);
    return std::nullopt;
}

// vtysh prints a warning line before the JSON when vtysh.conf is unreadable; skip to the JSON.
std::string json_part(const std::string& out) {
    auto pos = out.find_first_of("{[");
    return pos == std::string::npos ? out : out.substr(pos);
}

template <class Parse, class T>
void read_part(const Layout& layout, const std::string& command, std::chrono::milliseconds timeout,
               Parse parse, T& into, Snapshot& s) {
    std::string error;
    auto out = vtysh_show(layout, command, timeout, error);
    if (!out) {
        s.errors.push_back(error);
        return;
    }
    if (auto e = parse(json_part(*out), into)) s.errors.push_back(command + ": " + *e);
}

}  // namespace

Snapshot query_snapshot(const Layout& layout, std::chrono::milliseconds timeout) {
    Snapshot s;
    read_part(layout, "show bgp summary json", timeout, parse_bgp_summary, s.bgp, s);
    read_part(layout, "show bfd peers json", timeout, parse_bfd_peers, s.bfd, s);

    std::vector<RibRoute> rib, rib6;
    std::vector<KernelRoute> kernel, kernel6;
    size_t errors_before = s.errors.size();
    read_part(layout, "show ip route json", timeout, parse_rib, rib, s);
    read_part(layout, "show ipv6 route json", timeout, parse_rib, rib6, s);
    for (bool v6 : {false, true}) {
        std::string error;
        auto out = ip_routes(v6, timeout, error);
        if (!out) {
            s.errors.push_back(error);
            continue;
        }
        if (auto e = parse_kernel_routes(*out, v6, v6 ? kernel6 : kernel))
            s.errors.push_back("ip route: " + *e);
    }
    if (s.errors.size() == errors_before) {
        rib.insert(rib.end(), rib6.begin(), rib6.end());
        kernel.insert(kernel.end(), kernel6.begin(), kernel6.end());
        s.fib = check_fib(rib, kernel);
        s.fib_checked = true;
    }
    return s;
}

}  // namespace frr
