// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Kernel notifications about the object families vtigw owns: one non-blocking netlink socket per
// protocol, subscribed to links, IPv4/IPv6 addresses and routes, IPv4 netconf (rp_filter), xfrm
// policies and nf_tables. Separate from the request sockets; only read, never written.

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "vti/result.h"

struct mnl_socket;

namespace vti {

/** Which sockets lost notifications (ENOBUFS: the receive buffer overflowed) since the last
 *  drain. After an overflow nothing is known about what changed in that family. */
struct MonitorOverflow {
    /** rtnetlink (links, addresses, routes, netconf). */
    bool rtnl = false;
    /** xfrm policies. */
    bool xfrm = false;
    /** nf_tables. */
    bool nft = false;
};

/** Subscribed netlink sockets, read without blocking. */
class EventMonitor {
  public:
    /** Opens and subscribes the sockets in the calling thread's network namespace, each with a
     *  large receive buffer (SO_RCVBUFFORCE, or SO_RCVBUF up to rmem_max without privilege). */
    static Expected<std::unique_ptr<EventMonitor>> open();
    /** Closes the sockets. */
    ~EventMonitor();
    EventMonitor(const EventMonitor&) = delete;
    EventMonitor& operator=(const EventMonitor&) = delete;

    /** Reads every notification queued now and calls `each(protocol, message)` for it; returns
     *  the sockets that overflowed. Never blocks. */
    MonitorOverflow drain(const std::function<void(int protocol, const nlmsghdr*)>& each);
    /** Leaves (`mute` true) or rejoins the nf_tables group. The kernel builds a notification
     *  per rule only while someone listens, which under TCG costs more than the transaction
     *  itself; a caller that reads its table back after its own transaction needs none of
     *  them. */
    Result mute_nft(bool mute);
    /** Notifications read so far. */
    uint64_t events() const { return events_; }

  private:
    struct Sub {
        int protocol;
        mnl_socket* sock;
    };
    explicit EventMonitor(std::vector<Sub> subs) : subs_(std::move(subs)), rx_(kRxSize) {}
    static constexpr size_t kRxSize = 64 * 1024;

    std::vector<Sub> subs_;
    std::vector<uint8_t> rx_;
    uint64_t events_ = 0;
};

}  // namespace vti
