// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti_apply_floor.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "vti/address.h"
#include "vti/change.h"
#include "vti/link.h"
#include "vti/nft_mss.h"
#include "vti/route.h"
#include "vti/sysctl.h"
#include "vti/wanted.h"
#include "vti/xfrm_policy.h"

namespace bench {

namespace {

// Far above what a fresh namespace uses (lo is 1, the fallback tunnel devices a few more).
constexpr int kFirstIndex = 100000;
constexpr size_t kMaxSend = 64 * 1024;

// A family's messages, concatenated; sequence numbers are set on send.
struct Stream {
    std::vector<uint8_t> bytes;
    std::vector<size_t> offsets;
    std::vector<size_t> cuts;  // end of each send
    uint32_t first_seq = 0, last_seq = 0;
    void add(const vti::nl::Message& m) {
        auto b = m.bytes();
        offsets.push_back(bytes.size());
        bytes.insert(bytes.end(), b.begin(), b.end());
    }
};

class RawSocket {
  public:
    explicit RawSocket(int protocol) {
        fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd_ < 0) return;
        int one = 1, rcv = 4 << 20;
        setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
        setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
        setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv);
        sockaddr_nl sa{};
        sa.nl_family = AF_NETLINK;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) {
            close(fd_);
            fd_ = -1;
        }
    }
    ~RawSocket() {
        if (fd_ >= 0) close(fd_);
    }
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    // Numbers the stream's messages (only the last asks for an ack) and cuts it into sends.
    void prepare(Stream& s) {
        s.first_seq = seq_ + 1;
        size_t chunk = 0;
        for (size_t i = 0; i < s.offsets.size(); ++i) {
            auto* h = reinterpret_cast<nlmsghdr*>(s.bytes.data() + s.offsets[i]);
            h->nlmsg_seq = ++seq_;
            h->nlmsg_flags &= static_cast<uint16_t>(~NLM_F_ACK);
            if (i + 1 == s.offsets.size()) h->nlmsg_flags |= NLM_F_ACK;
            if (s.offsets[i] - chunk + h->nlmsg_len > kMaxSend && s.offsets[i] > chunk) {
                s.cuts.push_back(s.offsets[i]);
                chunk = s.offsets[i];
            }
        }
        s.cuts.push_back(s.bytes.size());
        s.last_seq = seq_;
    }

    // Sends the stream without waiting, then reads until its last message's ack; returns the
    // first error ("" when none).
    std::string run(const Stream& s) {
        if (fd_ < 0) return std::string("netlink socket: ") + strerror(errno);
        if (s.offsets.empty()) return "";
        size_t start = 0;
        for (size_t end : s.cuts) {
            if (send(fd_, s.bytes.data() + start, end - start, 0) < 0)
                return std::string("send: ") + strerror(errno);
            start = end;
        }
        std::string error;
        std::vector<uint8_t> rx(64 * 1024);
        for (;;) {
            ssize_t n = recv(fd_, rx.data(), rx.size(), 0);
            if (n < 0) return std::string("receive: ") + strerror(errno);
            int len = static_cast<int>(n);
            for (auto* h = reinterpret_cast<const nlmsghdr*>(rx.data()); NLMSG_OK(h, len);
                 h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < s.first_seq) continue;
                int err = -static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
                if (err && error.empty())
                    error = "message " + std::to_string(h->nlmsg_seq - s.first_seq) + ": " +
                            strerror(err);
                if (h->nlmsg_seq == s.last_seq) return error;
            }
        }
    }

  private:
    int fd_ = -1;
    uint32_t seq_ = 0;
};

}  // namespace

FloorRun run_floor(const vti::DesiredState& d) {
    using namespace vti;
    FloorRun out;
    Stream links, addresses, routes, policies;
    std::vector<SysctlSetting> files;
    int index = kFirstIndex;
    for (const auto& t : d.tunnels) {
        LinkInfo l = wanted_link(t);
        l.index = index++;
        nl::Message create = build_link_create(l);
        static_cast<ifinfomsg*>(NLMSG_DATA(create.header()))->ifi_index = l.index;
        Ipv4Conf conf;
        for (const auto& s : desired_sysctls(t)) {
            auto id = ipv4_devconf_id(s.path, t.ifname);
            if (id)
                conf.push_back({*id, static_cast<uint32_t>(std::stoul(s.value))});
            else
                files.push_back(s);
        }
        links.add(create);
        links.add(build_link_change(l, false, conf));
        for (const auto& p : t.addresses)
            addresses.add(build_address(true, {l.index, t.ifname, p}));
        for (auto r : wanted_routes(t)) {
            r.oif = l.index;
            routes.add(build_route(RouteOp::Add, r));
        }
        for (const auto& p : wanted_policies(t)) policies.add(build_policy(PolicyOp::Add, p));
    }
    std::string nft = std::get<NftStep>(make_nft_step(desired_mss_rules(d), NftState{}).op).script;
    out.messages = links.offsets.size() + addresses.offsets.size() + routes.offsets.size() +
                   policies.offsets.size();
    out.sysctl_writes = files.size();

    RawSocket rtnl(NETLINK_ROUTE), xfrm(NETLINK_XFRM);
    for (Stream* s : {&links, &addresses, &routes}) rtnl.prepare(*s);
    xfrm.prepare(policies);
    auto t0 = Clock::now();
    auto phase = [&](double& ms, auto&& f) {
        auto t = Clock::now();
        std::string e = f();
        ms = ms_since(t);
        if (out.error.empty() && !e.empty()) out.error = e;
    };
    phase(out.ms.links, [&] { return rtnl.run(links); });
    phase(out.ms.addresses, [&] { return rtnl.run(addresses); });
    phase(out.ms.routes, [&] { return rtnl.run(routes); });
    phase(out.ms.policies, [&] { return xfrm.run(policies); });
    phase(out.ms.sysctls, [&] {
        for (const auto& s : files)
            if (Result r = write_sysctl(s.path, s.value); !r.ok()) return r.message();
        return std::string();
    });
    phase(out.ms.nft, [&] {
        Result r = run_nft(nft);
        return r.ok() ? std::string() : r.message();
    });
    out.total_ms = ms_since(t0);
    out.ms.other = out.total_ms - (out.ms.links + out.ms.addresses + out.ms.routes +
                                   out.ms.policies + out.ms.sysctls + out.ms.nft);
    return out;
}

}  // namespace bench
