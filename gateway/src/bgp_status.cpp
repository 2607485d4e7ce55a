// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/bgp_status.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace gateway {

bool interface_is_up(const std::string& ifname) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ) return false;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    struct ifreq ifr {};
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
    bool up = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
    close(fd);
    return up;
}

void join_bgp_status(control::Reply& reply, const std::map<std::string, std::string>& peers,
                     const frr::RuntimeState& frr, bool managed, const LinkUpFn& link_up) {
    const auto& snap = frr.snapshot;
    for (auto& t : reply.tunnels) {
        auto p = peers.find(t.name);
        if (p == peers.end()) continue;
        control::BgpStatus b;
        b.peer = p->second;
        for (const auto& n : snap.bgp) {
            if (n.address != b.peer) continue;
            b.state = n.state;
            b.peer_state = n.peer_state;
            b.uptime_ms = n.uptime_ms.value_or(-1);
            b.prefixes_received = n.prefixes_received;
            b.prefixes_sent = n.prefixes_sent;
            b.connections_dropped = n.connections_dropped;
        }
        for (const auto& f : snap.bfd)
            if (f.peer == b.peer) b.bfd = f.status;
        b.link_up = link_up(t.ifname);
        b.healthy = t.child_state == "INSTALLED" && b.link_up && b.state == "Established" &&
                    b.prefixes_received >= 1;
        t.bgp = b;
    }
    control::FrrStatus f;
    f.managed = managed;
    f.running = frr.running;
    f.error = frr.error;
    f.fib_checked = snap.fib_checked;
    f.fib_prefixes = snap.fib.checked;
    for (const auto& m : snap.fib.mismatches)
        f.fib_mismatches.push_back(m.prefix + ": " + m.reason + " (zebra: " + frr::describe(m.frr) +
                                   "; kernel: " + frr::describe(m.kernel) + ")");
    reply.frr = f;
}

}  // namespace gateway
