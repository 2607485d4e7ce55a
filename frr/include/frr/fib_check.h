// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The FIB check: do the kernel's routes carry exactly the next hops zebra says it installed, for
// every prefix FRR manages (BGP and static routes)? FRR 8.4 can lose an ECMP next hop in the
// kernel after an interface flap while zebra still shows it (research §0.4); this catches that
// class of bug, and routes zebra failed to install.

#include <string>
#include <vector>

#include "frr/state.h"

namespace frr {

/** One prefix whose kernel route differs from zebra's FIB. */
struct FibMismatch {
    std::string prefix;
    /** What is wrong, one line ("kernel has 1 of 2 next hops", "zebra failed to install it"). */
    std::string reason;
    /** zebra's FIB next hops, sorted. */
    std::vector<Nexthop> frr;
    /** The kernel's next hops of the same protocol, sorted (empty: no kernel route). */
    std::vector<Nexthop> kernel;
};

/** The result of one check. */
struct FibCheck {
    /** Prefixes compared. */
    size_t checked = 0;
    std::vector<FibMismatch> mismatches;
    bool consistent() const { return mismatches.empty(); }
};

/**
 * Compares zebra's selected BGP and static routes with the kernel's routes of the same protocol
 * (zebra names them alike: proto bgp, proto static). Kernel routes of those protocols that zebra
 * does not have are reported too.
 */
FibCheck check_fib(const std::vector<RibRoute>& rib, const std::vector<KernelRoute>& kernel);

/** "gw dev if, gw dev if" for messages; "none" when empty. */
std::string describe(const std::vector<Nexthop>& nexthops);

}  // namespace frr
