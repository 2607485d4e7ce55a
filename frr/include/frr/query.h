// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Reading FRR's state through vtysh (and the kernel's routes through `ip -j route`) for status.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "frr/fib_check.h"
#include "frr/layout.h"
#include "frr/state.h"

namespace frr {

/** FRR's state at one moment. Parts that could not be read are empty, with the reason in errors. */
struct Snapshot {
    std::vector<BgpPeer> bgp;
    std::vector<BfdPeer> bfd;
    FibCheck fib;
    /** False when the routes could not be read (then fib says nothing). */
    bool fib_checked = false;
    /** One entry per part that failed ("show bgp summary json: vtysh exited 1: …"). */
    std::vector<std::string> errors;
};

/** Runs one vtysh command (in the caller's network namespace); its output, or nullopt and `error`.
 */
std::optional<std::string> vtysh_show(const Layout& layout, const std::string& command,
                                      std::chrono::milliseconds timeout, std::string& error);

/** Queries BGP neighbors, BFD peers and zebra's routes, reads the kernel's, runs the FIB check. */
Snapshot query_snapshot(const Layout& layout,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace frr
