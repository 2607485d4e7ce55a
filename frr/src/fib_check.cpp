// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/fib_check.h"

#include <algorithm>

namespace frr {
namespace {

bool managed(const std::string& protocol) {
    return protocol == "bgp" || protocol == "static";
}

const KernelRoute* find_kernel(const std::vector<KernelRoute>& kernel, const std::string& prefix,
                               const std::string& protocol) {
    for (const auto& k : kernel)
        if (k.prefix == prefix && k.protocol == protocol) return &k;
    return nullptr;
}

}  // namespace

std::string describe(const std::vector<Nexthop>& nexthops) {
    if (nexthops.empty()) return "none";
    std::string s;
    for (const auto& nh : nexthops) {
        if (!s.empty()) s += ", ";
        s += nh.gateway.empty() ? "dev " + nh.interface : nh.gateway + " dev " + nh.interface;
    }
    return s;
}

FibCheck check_fib(const std::vector<RibRoute>& rib, const std::vector<KernelRoute>& kernel) {
    FibCheck out;
    for (const auto& r : rib) {
        if (!managed(r.protocol) || !r.selected) continue;
        ++out.checked;
        const KernelRoute* k = find_kernel(kernel, r.prefix, r.protocol);
        std::vector<Nexthop> in_kernel = k ? k->nexthops : std::vector<Nexthop>{};
        if (r.failed) {
            out.mismatches.push_back(
                {r.prefix, "zebra failed to install it", r.fib_nexthops, in_kernel});
        } else if (!r.installed) {
            continue;  // not yet pushed to the kernel: next check
        } else if (!k) {
            out.mismatches.push_back({r.prefix, "no kernel route", r.fib_nexthops, {}});
        } else if (k->nexthops != r.fib_nexthops) {
            out.mismatches.push_back({r.prefix,
                                      "kernel has " + std::to_string(k->nexthops.size()) +
                                          " next hop(s), zebra's FIB " +
                                          std::to_string(r.fib_nexthops.size()),
                                      r.fib_nexthops, in_kernel});
        }
    }
    for (const auto& k : kernel) {
        if (!managed(k.protocol)) continue;
        bool known = std::any_of(rib.begin(), rib.end(), [&](const RibRoute& r) {
            return r.prefix == k.prefix && r.protocol == k.protocol && r.selected;
        });
        if (!known)
            out.mismatches.push_back({k.prefix, "kernel route not in zebra's FIB", {}, k.nexthops});
    }
    return out;
}

}  // namespace frr
