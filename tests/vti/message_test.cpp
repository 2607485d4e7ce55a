// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 1: message building and parsing with no kernel.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "vti/address.h"
#include "vti/link.h"
#include "vti/netlink_socket.h"
#include "vti/route.h"
#include "vti/sysctl.h"
#include "vti/xfrm_policy.h"
#include "vti/xfrm_state.h"

using namespace vti;

namespace {

IpAddress ip(const char* s) {
    return *IpAddress::parse(s);
}
Prefix pfx(const char* s) {
    return *Prefix::parse(s);
}

// Finds an attribute by a path of types (top level, then nested).
const nlattr* find_attr(const nlmsghdr* nlh, size_t hdr, std::initializer_list<uint16_t> path) {
    const nlattr* found = nullptr;
    auto it = path.begin();
    nl::for_each_attr(nlh, hdr, [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == *it) found = a;
    });
    for (++it; found && it != path.end(); ++it) {
        const nlattr* next = nullptr;
        nl::for_each_nested(found, [&](const nlattr* a) {
            if (mnl_attr_get_type(a) == *it) next = a;
        });
        found = next;
    }
    return found;
}

LinkInfo sample_vti() {
    LinkInfo l;
    l.name = "vti-aws1";
    l.alias = "vtigw:aws1";
    l.kind = "vti";
    l.mtu = 1400;
    l.up = true;
    l.local = ip("192.0.2.1");
    l.remote = ip("198.51.100.1");
    l.ikey = l.okey = 0x01020304;
    l.underlay_index = 7;
    return l;
}

}  // namespace

TEST(Message, EveryPutReportsDoesNotFit) {
    nl::Message m(RTM_NEWLINK, 0, 64);
    ASSERT_NE(m.put_extra<ifinfomsg>(), nullptr);  // 16 + 16 bytes
    EXPECT_TRUE(m.put_u32(IFLA_MTU, 1400));        // + 8 = 40
    uint32_t len = m.header()->nlmsg_len;
    char big[40] = {};
    EXPECT_FALSE(m.put(IFLA_IFALIAS, big, sizeof big));
    EXPECT_FALSE(m.ok());
    EXPECT_EQ(m.header()->nlmsg_len, len) << "a failed put must not change the message";
    nl::Message n(RTM_NEWLINK, 0, 40);
    ASSERT_NE(n.put_extra<ifinfomsg>(), nullptr);
    EXPECT_TRUE(n.put_u32(IFLA_MTU, 1));
    EXPECT_TRUE(n.ok());
    EXPECT_EQ(n.nest_start(IFLA_LINKINFO), nullptr);
    EXPECT_FALSE(n.ok());
    nl::Message tiny(RTM_NEWLINK, 0, 20);
    EXPECT_EQ(tiny.put_extra<ifinfomsg>(), nullptr);
    EXPECT_FALSE(tiny.ok());
}

TEST(Message, RequestFlagAlwaysSet) {
    nl::Message m(RTM_GETLINK, NLM_F_DUMP);
    EXPECT_EQ(m.header()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(m.header()->nlmsg_type, RTM_GETLINK);
}

TEST(Link, VtiKeysAreBigEndianOnTheWire) {
    nl::Message m = build_link_create(sample_vti());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.header()->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE | NLM_F_EXCL);
    const nlattr* ikey =
        find_attr(m.header(), sizeof(ifinfomsg), {IFLA_LINKINFO, IFLA_INFO_DATA, IFLA_VTI_IKEY});
    ASSERT_NE(ikey, nullptr);
    const auto* b = static_cast<const uint8_t*>(mnl_attr_get_payload(ikey));
    EXPECT_EQ(b[0], 1);
    EXPECT_EQ(b[3], 4);
    const nlattr* kind = find_attr(m.header(), sizeof(ifinfomsg), {IFLA_LINKINFO, IFLA_INFO_KIND});
    ASSERT_NE(kind, nullptr);
    EXPECT_STREQ(mnl_attr_get_str(kind), "vti");
    auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(m.header()));
    EXPECT_EQ(ifi->ifi_flags & IFF_UP, IFF_UP);
    EXPECT_EQ(ifi->ifi_change & IFF_UP, IFF_UP);
}

TEST(Link, CreateMessageParsesBackAsTheSameLink) {
    for (LinkInfo l : {sample_vti(), LinkInfo{}}) {
        if (l.name.empty()) {  // an XFRM interface, IPv6 outer irrelevant
            l.name = "xfrm-x";
            l.alias = "vtigw:x";
            l.kind = "xfrm";
            l.mtu = 1300;
            l.if_id = 77;
            l.underlay_index = 3;
        }
        nl::Message m = build_link_create(l);
        ASSERT_TRUE(m.ok());
        auto back = parse_link(m.header());
        ASSERT_TRUE(back) << l.kind;
        EXPECT_EQ(back->name, l.name);
        EXPECT_EQ(back->alias, l.alias);
        EXPECT_EQ(back->mtu, l.mtu);
        EXPECT_EQ(back->up, l.up);
        EXPECT_TRUE(back->same_tunnel(l)) << l.kind;
    }
}

TEST(Link, Vti6CarriesIpv6Outer) {
    LinkInfo l = sample_vti();
    l.kind = "vti6";
    l.local = ip("2001:db8::1");
    l.remote = ip("2001:db8::2");
    auto back = parse_link(build_link_create(l).header());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->local.str(), "2001:db8::1");
    EXPECT_EQ(back->remote.str(), "2001:db8::2");
}

TEST(Link, CommandsMatchIproute2Syntax) {
    LinkInfo l = sample_vti();
    l.ikey = l.okey = 100;
    l.underlay = "eth0";
    EXPECT_EQ(link_create_command(l),
              "ip link add vti-aws1 mtu 1400 up type vti local 192.0.2.1 remote 198.51.100.1 ikey "
              "100 okey 100 dev eth0\nip link set vti-aws1 alias vtigw:aws1");
    EXPECT_EQ(link_delete_command("vti-aws1"), "ip link del vti-aws1");
}

TEST(Link, AliasOwnership) {
    EXPECT_EQ(owner_of_alias("vtigw:aws1").value_or(""), "aws1");
    EXPECT_FALSE(owner_of_alias("vtigw:"));
    EXPECT_FALSE(owner_of_alias("uplink"));
    EXPECT_FALSE(owner_of_alias(""));
}

TEST(Link, Ipv4SysctlsComeFromTheAfSpec) {
    nl::Message m = build_link_create(sample_vti());
    nlattr* spec = m.nest_start(IFLA_AF_SPEC);
    nlattr* inet = m.nest_start(AF_INET);
    std::vector<uint32_t> conf(IPV4_DEVCONF_NOPOLICY + 2, 0);
    conf[IPV4_DEVCONF_RP_FILTER - 1] = 2;
    conf[IPV4_DEVCONF_NOPOLICY - 1] = 1;
    m.put(IFLA_INET_CONF, conf.data(), conf.size() * sizeof(uint32_t));
    m.nest_end(inet);
    m.nest_end(spec);
    ASSERT_TRUE(m.ok());
    auto l = parse_link(m.header());
    ASSERT_TRUE(l);
    EXPECT_EQ(l->ipv4_conf, conf);
    const std::string base = "net/ipv4/conf/" + l->name + "/";
    EXPECT_EQ(sysctl_from_link(*l, base + "rp_filter").value_or(""), "2");
    EXPECT_EQ(sysctl_from_link(*l, base + "disable_policy").value_or(""), "1");
    EXPECT_FALSE(sysctl_from_link(*l, base + "forwarding")) << "not one vtigw reads this way";
    EXPECT_FALSE(sysctl_from_link(*l, "net/ipv4/conf/other/rp_filter")) << "another link";
    LinkInfo bare = sample_vti();
    EXPECT_FALSE(sysctl_from_link(bare, base + "rp_filter")) << "not reported: read /proc";
}

TEST(Link, ChangeCarriesIpv4SettingsAsInetConfAttributes) {
    LinkInfo l = sample_vti();
    nl::Message plain = build_link_change(l, false);
    nl::Message m =
        build_link_change(l, false, {{IPV4_DEVCONF_RP_FILTER, 2}, {IPV4_DEVCONF_NOPOLICY, 1}});
    ASSERT_TRUE(m.ok());
    // The same message plus IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { id: u32 ... } } }, the
    // form the kernel takes on a change (dumps report a plain array instead).
    ASSERT_GT(m.bytes().size(), plain.bytes().size());
    EXPECT_TRUE(std::equal(plain.bytes().begin() + sizeof(nlmsghdr), plain.bytes().end(),
                           m.bytes().begin() + sizeof(nlmsghdr)));
    std::vector<std::pair<int, uint32_t>> got;
    int specs = 0;
    nl::for_each_attr(m.header(), sizeof(ifinfomsg), [&](const nlattr* a) {
        if (mnl_attr_get_type(a) != IFLA_AF_SPEC) return;
        ++specs;
        nl::for_each_nested(a, [&](const nlattr* af) {
            ASSERT_EQ(mnl_attr_get_type(af), AF_INET);
            nl::for_each_nested(af, [&](const nlattr* conf) {
                ASSERT_EQ(mnl_attr_get_type(conf), IFLA_INET_CONF);
                nl::for_each_nested(conf, [&](const nlattr* v) {
                    got.push_back({mnl_attr_get_type(v), mnl_attr_get_u32(v)});
                });
            });
        });
    });
    EXPECT_EQ(specs, 1);
    EXPECT_EQ(got, (std::vector<std::pair<int, uint32_t>>{{IPV4_DEVCONF_RP_FILTER, 2},
                                                          {IPV4_DEVCONF_NOPOLICY, 1}}));
    nl::for_each_attr(plain.header(), sizeof(ifinfomsg),
                      [&](const nlattr* a) { EXPECT_NE(mnl_attr_get_type(a), IFLA_AF_SPEC); });
}

TEST(Sysctl, Ipv4DevconfIdsOfTheSettingsVtigwMakes) {
    EXPECT_EQ(ipv4_devconf_id("net/ipv4/conf/vti1/rp_filter", "vti1"), IPV4_DEVCONF_RP_FILTER);
    EXPECT_EQ(ipv4_devconf_id("net/ipv4/conf/vti1/disable_policy", "vti1"), IPV4_DEVCONF_NOPOLICY);
    EXPECT_FALSE(ipv4_devconf_id("net/ipv4/conf/vti1/forwarding", "vti1"));
    EXPECT_FALSE(ipv4_devconf_id("net/ipv4/conf/vti1/rp_filter", "vti2")) << "another link";
    EXPECT_FALSE(ipv4_devconf_id("net/ipv6/conf/vti1/accept_ra", "vti1"));
}

TEST(Sysctl, PerKindSettings) {
    TunnelSpec t;
    t.name = "t";
    t.ifname = "if-t";
    t.kind = LinkKind::Vti;
    auto paths = [&] {
        std::vector<std::string> out;
        for (const auto& s : desired_sysctls(t)) out.push_back(s.path + "=" + s.value);
        return out;
    };
    EXPECT_EQ(paths(), (std::vector<std::string>{"net/ipv4/conf/if-t/disable_policy=1",
                                                 "net/ipv4/conf/if-t/rp_filter=2"}));
    // An XFRM interface keeps its policy checks and solicits no routers through the tunnel
    // (without an SA each solicitation leaves a larval ACQUIRE state behind).
    t.kind = LinkKind::Xfrm;
    std::vector<std::string> want{"net/ipv4/conf/if-t/rp_filter=2"};
    if (access("/proc/sys/net/ipv6/conf", F_OK) == 0)
        want.push_back("net/ipv6/conf/if-t/accept_ra=0");
    EXPECT_EQ(paths(), want);
    // A vti6 (IPv6 outer addresses) gets a link-local address too; an IPv4 VTI does not.
    t.kind = LinkKind::Vti;
    t.local = *IpAddress::parse("2001:db8::1");
    std::vector<std::string> want6{"net/ipv4/conf/if-t/disable_policy=1",
                                   "net/ipv4/conf/if-t/rp_filter=2"};
    if (access("/proc/sys/net/ipv6/conf", F_OK) == 0)
        want6.push_back("net/ipv6/conf/if-t/accept_ra=0");
    EXPECT_EQ(paths(), want6);
}

TEST(XfrmState, DumpReplyParsesAndDeleteTargetsTheSameSa) {
    nl::Message reply(XFRM_MSG_NEWSA, 0);
    auto* info = reply.put_extra<xfrm_usersa_info>();
    ASSERT_NE(info, nullptr);
    info->family = AF_INET;
    inet_pton(AF_INET, "192.0.2.1", &info->saddr);
    inet_pton(AF_INET, "192.0.2.2", &info->id.daddr);
    info->id.spi = htonl(0xc1234567);
    info->id.proto = IPPROTO_ESP;
    info->reqid = 42;
    xfrm_mark mark{42, 0xffffffff};
    reply.put(XFRMA_MARK, &mark, sizeof mark);
    auto st = parse_state(reply.header());
    ASSERT_TRUE(st);
    EXPECT_EQ(st->src.str(), "192.0.2.1");
    EXPECT_EQ(st->dst.str(), "192.0.2.2");
    EXPECT_EQ(st->spi, 0xc1234567u);
    EXPECT_EQ(st->reqid, 42u);
    EXPECT_TRUE(st->keyed_by(42));
    EXPECT_FALSE(st->keyed_by(43));
    EXPECT_EQ(state_delete_command(*st),
              "ip xfrm state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc1234567 mark "
              "0x2a mask 0xffffffff");
    nl::Message del = build_state_delete(*st);
    ASSERT_TRUE(del.ok());
    EXPECT_EQ(del.header()->nlmsg_type, XFRM_MSG_DELSA);
    auto* id = static_cast<const xfrm_usersa_id*>(mnl_nlmsg_get_payload(del.header()));
    EXPECT_EQ(ntohl(id->spi), 0xc1234567u);
    EXPECT_EQ(id->proto, IPPROTO_ESP);
    EXPECT_EQ(id->family, AF_INET);
    EXPECT_EQ(memcmp(&id->daddr, &info->id.daddr, 4), 0);
    const nlattr* m = find_attr(del.header(), sizeof(xfrm_usersa_id), {XFRMA_MARK});
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(static_cast<const xfrm_mark*>(mnl_attr_get_payload(m))->v, 42u);
    // An XFRM interface SA is keyed by its if_id, not by a mark.
    StateInfo x = *st;
    x.mark = x.mark_mask = 0;
    x.if_id = 7;
    EXPECT_TRUE(x.keyed_by(7));
    EXPECT_FALSE(x.keyed_by(42));
    EXPECT_FALSE(x.keyed_by(0));
}

TEST(Link, TruncatedMessageIsRejected) {
    nl::Message m(RTM_NEWLINK, 0);
    EXPECT_FALSE(parse_link(m.header())) << "no ifinfomsg";
    nl::Message other(RTM_NEWROUTE, 0);
    other.put_extra<ifinfomsg>();
    EXPECT_FALSE(parse_link(other.header()));
}

TEST(Address, RoundTripBothFamilies) {
    for (const char* p : {"169.254.10.1/30", "fd00::1/127"}) {
        AddressInfo a{5, "vti0", pfx(p)};
        nl::Message m = build_address(true, a);
        ASSERT_TRUE(m.ok());
        auto back = parse_address(m.header());
        ASSERT_TRUE(back);
        EXPECT_EQ(back->index, 5);
        EXPECT_EQ(back->prefix, a.prefix) << p;
    }
    EXPECT_TRUE(is_kernel_address(pfx("fe80::1/64")));
    EXPECT_FALSE(is_kernel_address(pfx("fd00::1/64")));
    EXPECT_EQ(address_command(true, {0, "vti0", pfx("fd00::1/127")}),
              "ip addr add fd00::1/127 dev vti0 nodad");
}

TEST(Route, RoundTripCarriesProtocolTableMetric) {
    RouteInfo r;
    r.dst = pfx("10.1.0.0/16");
    r.table = 1000;
    r.metric = 50;
    r.oif = 9;
    r.oif_name = "vti0";
    nl::Message m = build_route(RouteOp::Add, r);
    ASSERT_TRUE(m.ok());
    auto back = parse_route(m.header());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->same_key(r));
    EXPECT_EQ(back->protocol, kRouteProtocol);
    EXPECT_EQ(back->oif, 9);
    EXPECT_EQ(route_command(RouteOp::Add, r),
              "ip route add 10.1.0.0/16 dev vti0 metric 50 table 1000 proto 213 scope link");
    RouteInfo def;
    def.dst = pfx("::/0");
    auto del = parse_route(build_route(RouteOp::Delete, def).header());
    ASSERT_TRUE(del) << "an RTM_DELROUTE notification names the route too";
    EXPECT_EQ(del->dst, def.dst);
    auto d = parse_route(build_route(RouteOp::Replace, def).header());
    ASSERT_TRUE(d);
    EXPECT_EQ(d->dst, def.dst);
}

TEST(Policy, RoundTripAndWireShape) {
    PolicyInfo p;
    p.dir = PolicyDir::Fwd;
    p.family = AF_INET6;
    p.mark = 100;
    p.mark_mask = 0xffffffff;
    p.tmpl_src = ip("198.51.100.1");
    p.tmpl_dst = ip("192.0.2.1");
    p.reqid = 42;
    nl::Message m = build_policy(PolicyOp::Add, p);
    ASSERT_TRUE(m.ok());
    auto* info = static_cast<const xfrm_userpolicy_info*>(mnl_nlmsg_get_payload(m.header()));
    EXPECT_EQ(info->lft.hard_byte_limit, XFRM_INF);
    EXPECT_EQ(info->lft.soft_packet_limit, XFRM_INF);
    EXPECT_EQ(info->priority, kPolicyPriority);
    const nlattr* t = find_attr(m.header(), sizeof(xfrm_userpolicy_info), {XFRMA_TMPL});
    ASSERT_NE(t, nullptr);
    xfrm_user_tmpl tmpl;
    memcpy(&tmpl, mnl_attr_get_payload(t), sizeof tmpl);
    EXPECT_EQ(tmpl.mode, XFRM_MODE_TUNNEL);
    EXPECT_EQ(tmpl.id.proto, IPPROTO_ESP);
    EXPECT_EQ(tmpl.family, AF_INET);
    auto back = parse_policy(m.header());
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->same(p));
    EXPECT_TRUE(back->ours());
    back->priority = 5;
    EXPECT_FALSE(back->ours()) << "another priority is foreign";
    EXPECT_EQ(policy_command(PolicyOp::Add, p),
              "ip xfrm policy add src ::/0 dst ::/0 dir fwd mark 0x64 mask 0xffffffff priority " +
                  std::to_string(kPolicyPriority) +
                  " tmpl src 198.51.100.1 dst 192.0.2.1 proto esp reqid 42 mode tunnel");
}

TEST(Policy, IfIdPolicyIsOurs) {
    PolicyInfo p;
    p.family = AF_INET;
    p.if_id = 7;
    p.tmpl_src = ip("192.0.2.1");
    p.tmpl_dst = ip("192.0.2.2");
    p.reqid = 1;
    auto back = parse_policy(build_policy(PolicyOp::Update, p).header());
    EXPECT_FALSE(back) << "UPDPOLICY is not a dump reply type";
    auto added = parse_policy(build_policy(PolicyOp::Add, p).header());
    ASSERT_TRUE(added);
    EXPECT_EQ(added->if_id, 7u);
    EXPECT_TRUE(added->ours());
}

TEST(ErrorAck, ExtackTextAndErrnoAreExtracted) {
    std::vector<uint8_t> buf(256);
    nlmsghdr* h = mnl_nlmsg_put_header(buf.data());
    h->nlmsg_type = NLMSG_ERROR;
    h->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
    auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_put_extra_header(h, sizeof(nlmsgerr)));
    e->error = -EOPNOTSUPP;
    e->msg.nlmsg_len = 100;  // capped: the request is not echoed
    mnl_attr_put_strz(h, NLMSGERR_ATTR_MSG, "Unknown device type");
    std::string extack;
    EXPECT_EQ(nl::parse_error_message(h, &extack), EOPNOTSUPP);
    EXPECT_EQ(extack, "Unknown device type");
}

TEST(ErrorAck, IdempotenceLivesInOnePlace) {
    using I = nl::Idempotence;
    EXPECT_EQ(nl::effective_error(EEXIST, I::IgnoreExists), 0);
    EXPECT_EQ(nl::effective_error(EEXIST, I::Strict), EEXIST);
    EXPECT_EQ(nl::effective_error(ENOENT, I::IgnoreMissing), 0);
    EXPECT_EQ(nl::effective_error(EADDRNOTAVAIL, I::IgnoreMissing), 0);
    EXPECT_EQ(nl::effective_error(ENOENT, I::IgnoreExists), ENOENT);
    EXPECT_EQ(nl::effective_error(EINVAL, I::IgnoreMissing), EINVAL);
}
