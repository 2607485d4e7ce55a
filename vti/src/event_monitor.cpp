// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/event_monitor.h"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>

#include <cerrno>

namespace vti {

namespace {

// Applying 1,000 tunnels queues tens of thousands of notifications before they are read; the
// buffer is charged only while they wait.
constexpr int kRcvBuf = 64 * 1024 * 1024;

Expected<mnl_socket*> subscribe(int protocol, const std::vector<unsigned>& groups) {
    mnl_socket* s = mnl_socket_open2(protocol, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (!s) return Result::fail(errno, "open netlink event socket");
    auto fail = [&](const char* what) {
        int err = errno;
        mnl_socket_close(s);
        return Result::fail(err, what);
    };
    int fd = mnl_socket_get_fd(s);
    int size = kRcvBuf;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (mnl_socket_bind(s, 0, MNL_SOCKET_AUTOPID) < 0) return fail("bind netlink event socket");
    for (unsigned g : groups) {
        if (mnl_socket_setsockopt(s, NETLINK_ADD_MEMBERSHIP, &g, sizeof g) < 0)
            return fail("join netlink group");
    }
    return s;
}

}  // namespace

Expected<std::unique_ptr<EventMonitor>> EventMonitor::open() {
    const std::vector<std::pair<int, std::vector<unsigned>>> wanted = {
        {NETLINK_ROUTE,
         {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV4_ROUTE,
          RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_NETCONF}},
        {NETLINK_XFRM, {XFRMNLGRP_POLICY}},
        {NETLINK_NETFILTER, {NFNLGRP_NFTABLES}},
    };
    std::vector<Sub> subs;
    for (const auto& [protocol, groups] : wanted) {
        auto s = subscribe(protocol, groups);
        if (!s) {
            for (auto& sub : subs) mnl_socket_close(sub.sock);
            Result r = s.status();
            return r.prefix("event monitor: ");
        }
        subs.push_back({protocol, *s});
    }
    return std::unique_ptr<EventMonitor>(new EventMonitor(std::move(subs)));
}

EventMonitor::~EventMonitor() {
    for (auto& s : subs_) mnl_socket_close(s.sock);
}

Result EventMonitor::mute_nft(bool mute) {
    unsigned group = NFNLGRP_NFTABLES;
    for (auto& s : subs_)
        if (s.protocol == NETLINK_NETFILTER &&
            mnl_socket_setsockopt(s.sock, mute ? NETLINK_DROP_MEMBERSHIP : NETLINK_ADD_MEMBERSHIP,
                                  &group, sizeof group) < 0)
            return Result::fail(errno, mute ? "leave nf_tables group" : "join nf_tables group");
    return {};
}

MonitorOverflow EventMonitor::drain(
    const std::function<void(int protocol, const nlmsghdr*)>& each) {
    MonitorOverflow lost;
    for (auto& s : subs_) {
        bool& flag = s.protocol == NETLINK_ROUTE  ? lost.rtnl
                     : s.protocol == NETLINK_XFRM ? lost.xfrm
                                                  : lost.nft;
        for (;;) {
            ssize_t n = mnl_socket_recvfrom(s.sock, rx_.data(), rx_.size());
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) continue;
                // ENOBUFS: the kernel dropped notifications; ENOSPC: one did not fit rx_.
                // Either way this family's history is incomplete. Both are reported once and
                // the queue goes on; anything else ends this drain.
                flag = true;
                if (errno == ENOBUFS || errno == ENOSPC) continue;
                break;
            }
            int len = static_cast<int>(n);
            for (auto* h = reinterpret_cast<const nlmsghdr*>(rx_.data()); mnl_nlmsg_ok(h, len);
                 h = mnl_nlmsg_next(h, &len)) {
                if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) continue;
                ++events_;
                each(s.protocol, h);
            }
        }
    }
    return lost;
}

}  // namespace vti
