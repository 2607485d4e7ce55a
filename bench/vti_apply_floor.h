// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The floor of a full apply: the same kernel objects as Manager::apply() of a desired state into
// an empty namespace, made the cheapest way this benchmark knows. Every message is built before
// the clock starts, with the vti/ builders (the manager's bytes), and links get their ifindex
// chosen in the create message, so addresses and routes need no lookup. Each family goes out as
// one stream on one socket per protocol, sendmsg after sendmsg without waiting; only the
// stream's last message asks for an ack, failures are answered by their error anyway. The IPv4
// settings of a link ride on its alias message; the nft table is one libnftables transaction.

#include <cstddef>
#include <string>

#include "bench_util.h"
#include "vti/tunnel.h"

namespace bench {

/** One floor run. */
struct FloorRun {
    /** Wall time of all families. */
    double total_ms = 0;
    /** Per family (sysctls: those the link messages cannot carry). */
    Families ms;
    /** Netlink messages sent. */
    size_t messages = 0;
    /** Sysctl files written (settings no link message can carry). */
    size_t sysctl_writes = 0;
    /** The first error, empty when every message succeeded. */
    std::string error;
};

/** Makes the objects of `d` in the calling thread's (empty) network namespace. */
FloorRun run_floor(const vti::DesiredState& d);

}  // namespace bench
