// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 3: the real host kernel, each test in its own fresh network namespace (root only).
// The host has no ip_vti / XFRM interfaces, so tunnel interfaces are veth stand-ins in
// LinkMode::Adopt; everything else (addresses, routes, policies, sysctls, nft) is the real thing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>

#include "netns_util.h"
#include "vti/manager.h"
#include "vti/sysctl.h"

using namespace vti;
using namespace vti::test;

namespace {

#define REQUIRE_ROOT() \
    if (!is_root()) GTEST_SKIP() << "needs root for network namespaces"

Prefix pfx(const char* s) {
    return *Prefix::parse(s);
}

TunnelSpec veth_tunnel() {
    TunnelSpec t;
    t.name = "t1";
    t.ifname = "vt0";
    t.kind = LinkKind::Vti;
    t.key = 100;
    t.reqid = 100;
    t.local = *IpAddress::parse("192.0.2.1");
    t.remote = *IpAddress::parse("198.51.100.1");
    t.mtu = 1400;
    t.addresses = {pfx("169.254.10.1/30"), pfx("fd00::1/127")};
    t.routes = {{pfx("10.1.0.0/16"), 0, 254}, {pfx("2001:db8:1::/48"), 0, 254}};
    t.mss.mode = MssSpec::Mode::RouteMtu;
    return t;
}

void make_veth() {
    ASSERT_EQ(
        sh("ip link add vt0 type veth peer name vt1 && ip link set vt1 up && ip link set vt0 up"),
        0);
}

std::string sysctl(const std::string& path) {
    std::ifstream f("/proc/sys/" + path);
    std::string v;
    f >> v;
    return v;
}

std::unique_ptr<Manager> adopt_manager() {
    auto m = Manager::open({LinkMode::Adopt});
    EXPECT_TRUE(m) << m.message();
    return m ? std::move(m.value()) : nullptr;
}

std::string policies() {
    return out("ip xfrm policy show");
}
const std::string kOurPriority = "priority " + std::to_string(kPolicyPriority);

}  // namespace

TEST(NetnsTransport, BatchAttributesErrorsPerMessage) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        auto sock = nl::Socket::open(NETLINK_ROUTE);
        ASSERT_TRUE(sock) << sock.message();
        auto addr = [](int index, const char* p, bool add) {
            return build_address(add, {index, "lo", pfx(p)});
        };
        LinkInfo bogus;
        bogus.name = "bogus0";
        bogus.kind = "vtigw-no-such-kind";
        std::vector<nl::Request> reqs;
        reqs.push_back({addr(1, "10.0.0.1/24", true), nl::Idempotence::Strict, "a"});
        reqs.push_back({addr(9999, "10.0.0.2/24", true), nl::Idempotence::Strict, "b"});
        reqs.push_back({addr(1, "10.9.9.9/32", false), nl::Idempotence::IgnoreMissing, "c"});
        reqs.push_back({build_link_create(bogus), nl::Idempotence::Strict, "d"});
        reqs.push_back({addr(1, "10.0.0.1/24", true), nl::Idempotence::IgnoreExists, "e"});
        reqs.push_back({addr(1, "10.0.0.1/24", true), nl::Idempotence::Strict, "f"});
        auto res = (*sock)->transact(reqs);
        ASSERT_EQ(res.size(), 6u);
        EXPECT_TRUE(res[0].ok()) << res[0].message();
        EXPECT_EQ(res[1].code(), ENODEV) << res[1].message();
        EXPECT_EQ(res[1].error().context, "b");
        EXPECT_TRUE(res[2].ok()) << res[2].message();
        EXPECT_EQ(res[3].code(), EOPNOTSUPP);
        EXPECT_EQ(res[3].error().kernel, "Unknown device type");
        EXPECT_TRUE(res[4].ok()) << res[4].message();
        EXPECT_EQ(res[5].code(), EEXIST);
        EXPECT_EQ((*sock)->round_trips(), 1u) << "one batch, one round trip";
        EXPECT_EQ(count_lines(out("ip -4 addr show dev lo"), "10.0.0.1/24"), 1);
    });
}

TEST(NetnsTransport, ErrorsAcrossManySendsWithOneAckEach) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        auto sock = nl::Socket::open(NETLINK_ROUTE);
        ASSERT_TRUE(sock) << sock.message();
        // Enough addresses for several sends; every 700th names a missing interface.
        std::vector<nl::Request> reqs;
        for (int i = 0; i < 3000; ++i) {
            Prefix p =
                pfx(("10.78." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + "/32")
                        .c_str());
            int index = i % 700 == 350 ? 9999 : 1;
            reqs.push_back({build_address(true, {index, "lo", p}), nl::Idempotence::Strict,
                            std::to_string(i)});
        }
        auto res = (*sock)->transact(reqs);
        ASSERT_EQ(res.size(), reqs.size());
        int failed = 0;
        for (size_t i = 0; i < res.size(); ++i) {
            if (i % 700 == 350) {
                ++failed;
                EXPECT_EQ(res[i].code(), ENODEV) << i;
                EXPECT_EQ(res[i].error().context, std::to_string(i));
            } else {
                EXPECT_TRUE(res[i].ok()) << i << ": " << res[i].message();
            }
        }
        EXPECT_EQ(failed, 4);
        EXPECT_GT((*sock)->round_trips(), 1u) << "more than one send";
        EXPECT_LT((*sock)->round_trips(), 10u);
        EXPECT_EQ(count_lines(out("ip -4 addr show dev lo"), "10.78."), 2996);
        // The sockets stay usable: nothing of the batch is left unread.
        std::vector<nl::Request> one;
        one.push_back(
            {build_address(true, {1, "lo", pfx("10.79.0.1/32")}), nl::Idempotence::Strict, "one"});
        auto r = (*sock)->transact(one);
        ASSERT_EQ(r.size(), 1u);
        EXPECT_TRUE(r[0].ok()) << r[0].message();
    });
}

TEST(NetnsTransport, LinkChangeSetsTheIpv4SettingsAsTheFilesDo) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        ASSERT_EQ(sh("ip link add vtigw-cf0 type veth peer name vtigw-cf1"), 0);
        auto sock = nl::Socket::open(NETLINK_ROUTE);
        ASSERT_TRUE(sock);
        LinkInfo l;
        l.name = "vtigw-cf0";
        l.mtu = 1400;
        l.alias = "test";
        std::vector<nl::Request> reqs;
        reqs.push_back(
            {build_link_change(l, false, {{IPV4_DEVCONF_RP_FILTER, 2}, {IPV4_DEVCONF_NOPOLICY, 1}}),
             nl::Idempotence::Strict, "change"});
        auto res = (*sock)->transact(reqs);
        ASSERT_TRUE(res[0].ok()) << res[0].message();
        EXPECT_EQ(sysctl("net/ipv4/conf/vtigw-cf0/rp_filter"), "2");
        EXPECT_EQ(sysctl("net/ipv4/conf/vtigw-cf0/disable_policy"), "1");
        EXPECT_EQ(sysctl("net/ipv4/conf/vtigw-cf1/rp_filter"),
                  sysctl("net/ipv4/conf/default/rp_filter"))
            << "the peer keeps the default";
    });
}

TEST(NetnsTransport, SocketOpensInANamespaceGivenByFd) {
    REQUIRE_ROOT();
    int fd = -1;
    // The namespace outlives its thread as long as this fd refers to it.
    in_fresh_netns([&] {
        ASSERT_EQ(sh("ip link add vtigw-fd0 type veth peer name vtigw-fd1"), 0);
        fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    });
    ASSERT_GE(fd, 0);
    auto own_ns = [] {
        struct stat st {};
        stat("/proc/thread-self/ns/net", &st);
        return st.st_ino;
    };
    auto before = own_ns();
    auto sock = nl::Socket::open(NETLINK_ROUTE, fd);
    close(fd);  // the socket keeps the namespace alive until it is closed
    ASSERT_TRUE(sock) << sock.message();
    EXPECT_EQ(own_ns(), before) << "the calling thread is back in its own namespace";
    std::vector<std::string> names;
    auto m = build_link_dump();
    Result r = (*sock)->dump(m, [&](const nlmsghdr* h) {
        if (auto l = parse_link(h)) names.push_back(l->name);
    });
    ASSERT_TRUE(r.ok()) << r.message();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"lo", "vtigw-fd0", "vtigw-fd1"}));
}

TEST(NetnsTransport, MultipartDumpSeesEveryObject) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        std::string batch;
        for (int i = 0; i < 2000; ++i)
            batch += "addr add 10.77." + std::to_string(i / 250) + "." +
                     std::to_string(i % 250 + 1) + "/32 dev lo\n";
        std::string file = "/tmp/vtigw-dump-" + std::to_string(getpid()) + ".batch";
        std::ofstream(file) << batch;
        int rc = sh("ip -batch " + file);
        unlink(file.c_str());
        ASSERT_EQ(rc, 0);
        auto sock = nl::Socket::open(NETLINK_ROUTE);
        ASSERT_TRUE(sock);
        auto m = build_address_dump();
        int n = 0;
        Result r = (*sock)->dump(m, [&](const nlmsghdr* h) {
            auto a = parse_address(h);
            if (a && a->prefix.addr.is_v4() && a->prefix.addr.bytes[1] == 77) ++n;
        });
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(n, 2000);
    });
}

TEST(NetnsTransport, LinkDumpReportsTheIpv4SysctlsAsProcDoes) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        ASSERT_EQ(sh("ip link add vtigw-sc0 type veth peer name vtigw-sc1"), 0);
        ASSERT_TRUE(write_sysctl("net/ipv4/conf/vtigw-sc0/rp_filter", "2").ok());
        ASSERT_TRUE(write_sysctl("net/ipv4/conf/vtigw-sc0/disable_policy", "1").ok());
        auto sock = nl::Socket::open(NETLINK_ROUTE);
        ASSERT_TRUE(sock);
        auto m = build_link_dump();
        int seen = 0;
        Result r = (*sock)->dump(m, [&](const nlmsghdr* h) {
            auto l = parse_link(h);
            if (!l || !l->name.starts_with("vtigw-sc")) return;
            ++seen;
            for (const char* key : {"rp_filter", "disable_policy"}) {
                std::string path = "net/ipv4/conf/" + l->name + "/" + key;
                auto from_dump = sysctl_from_link(*l, path);
                auto from_proc = read_sysctl(path);
                ASSERT_TRUE(from_dump) << path;
                ASSERT_TRUE(from_proc) << path;
                EXPECT_EQ(*from_dump, *from_proc) << path;
            }
        });
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(seen, 2);
        auto rp = read_sysctl("net/ipv4/conf/vtigw-sc0/rp_filter");
        auto nopolicy = read_sysctl("net/ipv4/conf/vtigw-sc1/disable_policy");
        ASSERT_TRUE(rp && nopolicy);
        EXPECT_EQ(*rp, "2") << "the value written";
        EXPECT_EQ(*nopolicy, "0") << "the peer keeps the default";
    });
}

TEST(NetnsManager, ApplyCreatesEverythingThenReapplyIsNoop) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veth();
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d{{veth_tunnel()}};
        ApplyStats st;
        Result r = mgr->apply(d, &st);
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(st.changes, 14u);  // link, 2 addr, 2 routes, 6 policies, 2 sysctls, nft
        std::string link = out("ip -d link show dev vt0");
        EXPECT_NE(link.find("mtu 1400"), std::string::npos) << link;
        EXPECT_NE(link.find("alias vtigw:t1"), std::string::npos) << link;
        EXPECT_EQ(count_lines(out("ip addr show dev vt0"), "169.254.10.1/30"), 1);
        EXPECT_EQ(count_lines(out("ip addr show dev vt0"), "fd00::1/127"), 1);
        EXPECT_EQ(count_lines(out("ip route show proto 213"), "10.1.0.0/16 dev vt0"), 1);
        EXPECT_EQ(count_lines(out("ip -6 route show proto 213"), "2001:db8:1::/48 dev vt0"), 1);
        std::string pol = policies();
        EXPECT_EQ(count_lines(pol, kOurPriority), 6) << pol;
        EXPECT_EQ(count_lines(pol, "mark 0x64/0xffffffff"), 6) << pol;
        EXPECT_EQ(count_lines(pol, "proto esp reqid 100 mode tunnel"), 6) << pol;
        EXPECT_EQ(count_lines(pol, "tmpl src 192.0.2.1 dst 198.51.100.1"), 2) << pol;
        EXPECT_EQ(sysctl("net/ipv4/conf/vt0/disable_policy"), "1");
        EXPECT_EQ(sysctl("net/ipv4/conf/vt0/disable_xfrm"), "0") << "would stop encryption";
        EXPECT_EQ(sysctl("net/ipv4/conf/vt0/rp_filter"), "2");
        std::string nft = out("nft list table inet vtigw");
        EXPECT_EQ(count_lines(nft, "tcp option maxseg size set rt mtu"), 2) << nft;
        EXPECT_EQ(count_lines(nft, "iifname \"vt0\""), 1) << nft;

        auto plan = mgr->plan(d);
        ASSERT_TRUE(plan) << plan.message();
        for (const auto& c : *plan) ADD_FAILURE() << "not a no-op: " << c.str();
        // A hand edit inside our table is drift: the next plan replaces the table.
        ASSERT_EQ(sh("nft flush chain inet vtigw forward"), 0);
        plan = mgr->plan(d);
        ASSERT_TRUE(plan) << plan.message();
        ASSERT_EQ(plan->size(), 1u);
        EXPECT_EQ(plan->front().object, Change::Object::Nft);
        ASSERT_TRUE(mgr->apply(d).ok());
        r = mgr->apply(d, &st);
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(st.changes, 0u);
        EXPECT_LE(st.round_trips, 6u) << "no-op = 4 dumps + nft table get + nft rule dump";
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsManager, ForeignObjectsSurviveApplyAndRemoval) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veth();
        ASSERT_EQ(sh("ip addr add 192.0.2.1/24 dev vt1 && "
                     "ip route add 10.9.0.0/16 dev vt1 proto static && "
                     "ip route add 10.1.0.0/16 dev vt1 metric 5 && "
                     "ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 999 mask "
                     "0xffffffff priority 10 tmpl src 192.0.2.1 dst 192.0.2.9 proto esp mode "
                     "tunnel && "
                     "nft add table inet foreign && nft add chain inet foreign c '{ type filter "
                     "hook forward priority 0; }' && nft add rule inet foreign c counter"),
                  0);
        auto snapshot = [] {
            return out(
                "ip -4 route show table all | grep -v 'proto 213'; ip xfrm policy show "
                "| grep -c 'priority 10'; nft list table inet foreign; ip -4 addr show dev vt1");
        };
        std::string foreign_before = snapshot();
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        Result r = mgr->apply(DesiredState{{veth_tunnel()}});
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(count_lines(out("ip route show"), "10.1.0.0/16"), 2) << "ours + foreign metric 5";
        r = mgr->apply(DesiredState{});
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(snapshot(), foreign_before);
        EXPECT_EQ(out("ip route show table all proto 213"), "");
        EXPECT_EQ(count_lines(policies(), kOurPriority), 0);
        EXPECT_NE(sh("nft list table inet vtigw >/dev/null 2>&1"), 0) << "our table is gone";
        EXPECT_EQ(out("ip -o addr show dev vt0 scope global"), "");
        EXPECT_EQ(count_lines(out("ip link show dev vt0"), "alias"), 0);
        EXPECT_EQ(sh("ip link show dev vt0 >/dev/null"), 0) << "adopted link itself stays";
    });
}

TEST(NetnsManager, ForeignRouteOrPolicyInTheWayIsAnErrorAndNothingChanges) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veth();
        ASSERT_EQ(sh("ip route add 10.1.0.0/16 dev vt1 proto static"), 0);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        Result r = mgr->apply(DesiredState{{veth_tunnel()}});
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.code(), EEXIST);
        EXPECT_NE(r.message().find("tunnel t1: route 10.1.0.0/16 table 254 metric 0 already "
                                   "exists and is not vtigw's (protocol 4, dev vt1)"),
                  std::string::npos)
            << r.message();
        EXPECT_EQ(out("ip route show table all proto 213"), "");
        EXPECT_EQ(count_lines(policies(), kOurPriority), 0);
        ASSERT_EQ(sh("ip route del 10.1.0.0/16 dev vt1 && ip xfrm policy add src ::/0 dst ::/0 "
                     "dir fwd mark 100 mask 0xffffffff priority 1 tmpl src 2001:db8::1 dst "
                     "2001:db8::2 proto esp mode tunnel"),
                  0);
        r = mgr->apply(DesiredState{{veth_tunnel()}});
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.message().find("tunnel t1: xfrm policy dir fwd ::/0 mark 100 is taken by a "
                                   "foreign policy (priority 1)"),
                  std::string::npos)
            << r.message();
        EXPECT_EQ(count_lines(policies(), "priority 1 "), 1) << policies();
    });
}

TEST(NetnsManager, FailedApplyRollsBackWhatItDid) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veth();
        // IPv6 disabled on the device: the IPv6 address add fails after the link change and the
        // IPv4 address in the same batch succeeded.
        ASSERT_EQ(sh("sysctl -qw net.ipv6.conf.vt0.disable_ipv6=1"), 0);
        std::string link_before = out("ip -o link show dev vt0 | sed 's/state [A-Z]*//'");
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        ApplyStats st;
        Result r = mgr->apply(DesiredState{{veth_tunnel()}}, &st);
        ASSERT_FALSE(r.ok());
        EXPECT_TRUE(st.rolled_back);
        EXPECT_NE(r.message().find("tunnel t1: add address fd00::1/127 on vt0"), std::string::npos)
            << r.message();
        EXPECT_NE(r.message().find("rolled back"), std::string::npos) << r.message();
        EXPECT_EQ(r.code(), EACCES) << r.message();
        if (!r.error().kernel.empty()) {  // 6.1 gives no extack text here, 6.18 does
            EXPECT_NE(r.error().kernel.find("IPv6 is disabled on this device"), std::string::npos)
                << r.message();
        }
        EXPECT_EQ(out("ip -o addr show dev vt0 scope global"), "");
        EXPECT_EQ(count_lines(out("ip link show dev vt0"), "alias"), 0);
        EXPECT_EQ(count_lines(out("ip link show dev vt0"), "mtu 1500"), 1);
        EXPECT_EQ(out("ip route show table all proto 213"), "");
        EXPECT_EQ(count_lines(policies(), kOurPriority), 0);
        EXPECT_NE(sh("nft list table inet vtigw >/dev/null 2>&1"), 0);
    });
}

TEST(NetnsManager, ChangesApplyOnlyTheDifference) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veth();
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d{{veth_tunnel()}};
        ASSERT_TRUE(mgr->apply(d).ok());
        auto& t = d.tunnels[0];
        t.mtu = 1380;
        t.addresses[0] = pfx("169.254.10.5/30");
        t.routes[0].metric = 30;
        t.mss = {MssSpec::Mode::Fixed, 1340, 1320};
        auto plan = mgr->plan(d);
        ASSERT_TRUE(plan) << plan.message();
        std::vector<std::string> cmds;
        for (const auto& c : *plan) cmds.push_back(c.command);
        std::vector<std::string> want = {
            "ip link set vt0 mtu 1380 alias vtigw:t1 up",
            "ip addr add 169.254.10.5/30 dev vt0",
            "ip addr del 169.254.10.1/30 dev vt0",
            "ip route del 10.1.0.0/16 metric 0 table 254 proto 213",
            "ip route add 10.1.0.0/16 dev vt0 metric 30 table 254 proto 213 scope link",
            "nft -f - <<'EOF'\n" + mss_replace_script(desired_mss_rules(d)) + "EOF",
        };
        EXPECT_EQ(cmds, want);
        ApplyStats st;
        ASSERT_TRUE(mgr->apply(d, &st).ok());
        EXPECT_EQ(st.changes, want.size());
        EXPECT_EQ(
            count_lines(out("ip route show proto 213"), "10.1.0.0/16 dev vt0 scope link metric 30"),
            1);
        EXPECT_EQ(count_lines(out("ip addr show dev vt0"), "169.254.10.5/30"), 1);
        EXPECT_EQ(count_lines(out("nft list table inet vtigw"), "maxseg size set 1340"), 2);
        auto rest = mgr->plan(d);
        ASSERT_TRUE(rest) << rest.message();
        for (const auto& c : *rest) ADD_FAILURE() << "left over: " << c.str();
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsManager, MissingVtiSupportIsActionable) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        auto m = Manager::open();
        ASSERT_TRUE(m);
        auto& mgr = *m;
        TunnelSpec t = veth_tunnel();
        t.ifname = "vti-t1";
        Result r = mgr->apply(DesiredState{{t}});
        if (r.ok()) {  // a kernel with ip_vti (the VM): the link must be there, then go away
            EXPECT_EQ(count_lines(out("ip -d link show dev vti-t1"), "vti remote 198.51.100.1"), 1);
            ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
            EXPECT_NE(sh("ip link show dev vti-t1 >/dev/null 2>&1"), 0);
            return;
        }
        EXPECT_EQ(r.code(), EOPNOTSUPP) << r.message();
        EXPECT_NE(r.message().find("tunnel t1: create vti interface vti-t1"), std::string::npos)
            << r.message();
        EXPECT_NE(r.message().find("modprobe ip_vti"), std::string::npos) << r.message();
        EXPECT_NE(r.message().find("Unknown device type"), std::string::npos) << r.message();
        EXPECT_EQ(count_lines(policies(), kOurPriority), 0);
        EXPECT_NE(sh("nft list table inet vtigw >/dev/null 2>&1"), 0);
    });
}
