// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 1: which kernel notifications invalidate the manager's cache (owned objects changed) and
// which do not (foreign objects, repeats of the applied state), with no kernel.
#include "vti/owned_view.h"

#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/netconf.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>

#include <cstring>

using namespace vti;

namespace {

Prefix pfx(const char* s) {
    return *Prefix::parse(s);
}

TunnelSpec tunnel() {
    TunnelSpec t;
    t.name = "aws1";
    t.ifname = "vti-aws1";
    t.key = 100;
    t.reqid = 100;
    t.local = *IpAddress::parse("192.0.2.1");
    t.remote = *IpAddress::parse("198.51.100.1");
    t.mtu = 1400;
    t.underlay = "eth0";
    t.addresses = {pfx("169.254.10.1/30")};
    t.routes = {{pfx("10.1.0.0/16"), 0, 254}};
    return t;
}

constexpr int kIndex = 7;
constexpr int kUnderlay = 2;

OwnedView view() {
    OwnedView v;
    v.add(tunnel(), kIndex, kUnderlay);
    return v;
}

// The link as the kernel reports it after the apply.
LinkInfo applied_link() {
    LinkInfo l = wanted_link(tunnel());
    l.index = kIndex;
    l.underlay_index = kUnderlay;
    return l;
}

nl::Message link_msg(const LinkInfo& l, uint16_t type = RTM_NEWLINK) {
    nl::Message m = build_link_change(l, true);
    m.header()->nlmsg_type = type;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(m.header()));
    ifi->ifi_index = l.index;
    if (l.up) ifi->ifi_flags |= IFF_UP;
    return m;
}

RouteInfo applied_route() {
    RouteInfo r = wanted_routes(tunnel())[0];
    r.oif = kIndex;
    return r;
}

std::string drift(const OwnedView& v, int protocol, const nl::Message& m,
                  ForeignSlots* f = nullptr) {
    ForeignSlots local;
    return v.classify(protocol, m.header(), f ? f : &local).drift;
}

// XFRM_MSG_DELPOLICY as the kernel sends it: id header, the policy in XFRMA_POLICY, mark.
nl::Message policy_deletion(const PolicyInfo& p) {
    nl::Message add = build_policy(PolicyOp::Add, p);
    nl::Message m(XFRM_MSG_DELPOLICY, 0, 4096);
    auto* id = m.put_extra<xfrm_userpolicy_id>();
    id->sel.family = static_cast<uint16_t>(p.family);
    id->dir = static_cast<uint8_t>(p.dir);
    m.put(XFRMA_POLICY, mnl_nlmsg_get_payload(add.header()), sizeof(xfrm_userpolicy_info));
    nl::for_each_attr(add.header(), sizeof(xfrm_userpolicy_info), [&](const nlattr* a) {
        m.put(mnl_attr_get_type(a), mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
    });
    return m;
}

nl::Message nft_msg(uint16_t msg, uint8_t family, const char* table) {
    nl::Message m((NFNL_SUBSYS_NFTABLES << 8) | msg, 0);
    auto* g = m.put_extra<nfgenmsg>();
    g->nfgen_family = family;
    if (table) m.put_strz(1, table);
    return m;
}

nl::Message netconf_msg(int index, uint32_t rp) {
    nl::Message m(RTM_NEWNETCONF, 0);
    auto* n = m.put_extra<netconfmsg>();
    n->ncm_family = AF_INET;
    m.put_u32(NETCONFA_IFINDEX, static_cast<uint32_t>(index));
    m.put_u32(NETCONFA_RP_FILTER, rp);
    return m;
}

}  // namespace

TEST(OwnedView, RepeatOfTheAppliedLinkIsNoDrift) {
    EXPECT_EQ(drift(view(), NETLINK_ROUTE, link_msg(applied_link())), "");
}

TEST(OwnedView, OwnedLinkChangesAreDrift) {
    OwnedView v = view();
    LinkInfo l = applied_link();
    l.mtu = 1500;
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "mtu";
    l = applied_link();
    l.up = false;
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "down";
    l = applied_link();
    l.alias = "";
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "alias";
    l = applied_link();
    l.ikey = l.okey = 101;
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "key";
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(applied_link(), RTM_DELLINK)), "") << "deleted";
    l = applied_link();
    l.name = "renamed";
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "renamed";
    l = applied_link();
    l.index = 99;
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l)), "") << "recreated with another index";
}

TEST(OwnedView, AdoptedLinksIgnoreTunnelParameters) {
    OwnedView v(false);
    v.add(tunnel(), kIndex, kUnderlay);
    LinkInfo l = applied_link();
    l.kind = "veth";
    EXPECT_EQ(drift(v, NETLINK_ROUTE, link_msg(l)), "");
}

TEST(OwnedView, ForeignLinksAreNoDriftButTheirKeysAreRecorded) {
    OwnedView v = view();
    ForeignSlots f;
    LinkInfo l;
    l.index = 30;
    l.name = "vti-other";
    l.kind = "vti";
    l.ikey = l.okey = 555;
    l.mtu = 1400;
    EXPECT_EQ(drift(v, NETLINK_ROUTE, link_msg(l), &f), "");
    EXPECT_TRUE(f.link_keys.count(555));
    EXPECT_EQ(drift(v, NETLINK_ROUTE, link_msg(l, RTM_DELLINK), &f), "");
    l.alias = "vtigw:ghost";
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(l), &f), "") << "carries our mark";
}

TEST(OwnedView, UnderlayMattersOnlyByIndex) {
    OwnedView v = view();
    LinkInfo u;
    u.index = kUnderlay;
    u.name = "eth0";
    u.mtu = 1500;
    EXPECT_EQ(drift(v, NETLINK_ROUTE, link_msg(u)), "") << "carrier flaps etc.";
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(u, RTM_DELLINK)), "");
    u.index = 40;
    EXPECT_NE(drift(v, NETLINK_ROUTE, link_msg(u)), "") << "recreated";
}

TEST(OwnedView, Addresses) {
    OwnedView v = view();
    ForeignSlots f;
    AddressInfo ours{kIndex, "vti-aws1", pfx("169.254.10.1/30")};
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_address(true, ours)), "");
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_address(false, ours)), "");
    AddressInfo extra{kIndex, "vti-aws1", pfx("169.254.99.1/30")};
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_address(true, extra)), "");
    AddressInfo ll{kIndex, "vti-aws1", pfx("fe80::1/64")};
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_address(true, ll)), "") << "kernel's own";
    AddressInfo foreign{3, "eth1", pfx("203.0.113.5/24")};
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_address(true, foreign), &f), "");
    EXPECT_TRUE(f.addresses.count(foreign.prefix.addr));
}

TEST(OwnedView, Routes) {
    OwnedView v = view();
    ForeignSlots f;
    RouteInfo r = applied_route();
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_route(RouteOp::Add, r)), "");
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_route(RouteOp::Delete, r)), "");
    RouteInfo moved = r;
    moved.oif = 3;
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_route(RouteOp::Replace, moved)), "");
    RouteInfo stray = r;
    stray.dst = pfx("10.99.0.0/16");
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_route(RouteOp::Add, stray)), "") << "ours, unknown";
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_route(RouteOp::Delete, stray)), "");
    RouteInfo foreign = stray;
    foreign.protocol = RTPROT_STATIC;
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_route(RouteOp::Add, foreign), &f), "");
    EXPECT_TRUE(f.routes.count(route_slot(foreign)));
    RouteInfo squatter = r;
    squatter.protocol = RTPROT_STATIC;
    EXPECT_NE(drift(v, NETLINK_ROUTE, build_route(RouteOp::Add, squatter)), "")
        << "a foreign route in our slot";
}

TEST(OwnedView, Policies) {
    OwnedView v = view();
    ForeignSlots f;
    PolicyInfo p = wanted_policies(tunnel())[0];
    EXPECT_EQ(drift(v, NETLINK_XFRM, build_policy(PolicyOp::Add, p)), "");
    EXPECT_EQ(drift(v, NETLINK_XFRM, build_policy(PolicyOp::Update, p)), "");
    EXPECT_NE(drift(v, NETLINK_XFRM, policy_deletion(p)), "");
    PolicyInfo changed = p;
    changed.reqid = 5;
    EXPECT_NE(drift(v, NETLINK_XFRM, build_policy(PolicyOp::Update, changed)), "");
    PolicyInfo stray = p;
    stray.mark = 4242;
    EXPECT_NE(drift(v, NETLINK_XFRM, build_policy(PolicyOp::Add, stray)), "") << "ours, unknown";
    EXPECT_EQ(drift(v, NETLINK_XFRM, policy_deletion(stray)), "");
    PolicyInfo foreign = stray;
    foreign.priority = 10;
    EXPECT_EQ(drift(v, NETLINK_XFRM, build_policy(PolicyOp::Add, foreign), &f), "");
    EXPECT_TRUE(f.policies.count(policy_slot(foreign)));
    nl::Message flush(XFRM_MSG_FLUSHPOLICY, 0);
    EXPECT_NE(drift(v, NETLINK_XFRM, flush), "");
}

TEST(OwnedView, NftablesOnlyOurTable) {
    OwnedView v = view();
    auto ours = v.classify(NETLINK_NETFILTER,
                           nft_msg(NFT_MSG_DELRULE, NFPROTO_INET, "vtigw").header(), nullptr);
    EXPECT_NE(ours.drift, "");
    EXPECT_TRUE(ours.nft);
    EXPECT_EQ(drift(v, NETLINK_NETFILTER, nft_msg(NFT_MSG_NEWRULE, NFPROTO_INET, "fw")), "");
    EXPECT_EQ(drift(v, NETLINK_NETFILTER, nft_msg(NFT_MSG_NEWTABLE, NFPROTO_IPV4, "vtigw")), "");
    EXPECT_EQ(drift(v, NETLINK_NETFILTER, nft_msg(NFT_MSG_NEWGEN, NFPROTO_UNSPEC, nullptr)), "");
}

TEST(OwnedView, RpFilter) {
    OwnedView v = view();
    EXPECT_EQ(drift(v, NETLINK_ROUTE, netconf_msg(kIndex, 2)), "");
    EXPECT_NE(drift(v, NETLINK_ROUTE, netconf_msg(kIndex, 1)), "");
    EXPECT_EQ(drift(v, NETLINK_ROUTE, netconf_msg(3, 1)), "") << "foreign link";
}

TEST(OwnedView, RemoveForgetsTheTunnel) {
    OwnedView v = view();
    v.remove("aws1");
    EXPECT_EQ(v.size(), 0u);
    EXPECT_EQ(drift(v, NETLINK_ROUTE, build_route(RouteOp::Delete, applied_route())), "");
    EXPECT_EQ(v.route_owner(route_slot(applied_route())), nullptr);
}

TEST(ForeignSlots, SnapshotSeedsOnlyForeignObjects) {
    KernelSnapshot s;
    LinkInfo mine = applied_link();
    LinkInfo theirs;
    theirs.index = 3;
    theirs.name = "vti-x";
    theirs.kind = "vti";
    theirs.ikey = 77;
    s.links = {mine, theirs};
    s.addresses = {{kIndex, "", pfx("169.254.10.1/30")}, {3, "", pfx("192.0.2.77/24")}};
    RouteInfo foreign = applied_route();
    foreign.protocol = RTPROT_KERNEL;
    foreign.dst = pfx("192.0.2.0/24");
    s.routes = {applied_route(), foreign};
    PolicyInfo other = wanted_policies(tunnel())[0];
    other.priority = 1;
    other.mark = 9;
    s.policies = {wanted_policies(tunnel())[0], other};
    ForeignSlots f;
    f.add_snapshot(s);
    EXPECT_EQ(f.link_keys, std::set<uint32_t>{77});
    EXPECT_EQ(f.addresses, std::set<IpAddress>{pfx("192.0.2.77/24").addr});
    EXPECT_EQ(f.routes, std::set<RouteSlot>{route_slot(foreign)});
    EXPECT_EQ(f.policies, std::set<PolicySlot>{policy_slot(other)});
}
