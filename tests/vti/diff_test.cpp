// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 1/2: the diff logic against hand-made snapshots and a tiny fake kernel that applies steps
// to a snapshot (never a substitute for the namespace and VM tests).
#include <gtest/gtest.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>

#include "vti/manager.h"

using namespace vti;

namespace {

IpAddress ip(const char* s) {
    return *IpAddress::parse(s);
}
Prefix pfx(const char* s) {
    return *Prefix::parse(s);
}

TunnelSpec aws1() {
    TunnelSpec t;
    t.name = "aws1";
    t.ifname = "vti-aws1";
    t.kind = LinkKind::Vti;
    t.key = 100;
    t.reqid = 100;
    t.local = ip("192.0.2.1");
    t.remote = ip("198.51.100.1");
    t.mtu = 1400;
    t.addresses = {pfx("169.254.10.1/30"), pfx("fd00::1/127")};
    t.routes = {{pfx("10.1.0.0/16"), 0, 254}, {pfx("2001:db8:1::/48"), 0, 254}};
    t.mss.mode = MssSpec::Mode::RouteMtu;
    return t;
}

TunnelSpec xfrm2() {
    TunnelSpec t;
    t.name = "gcp2";
    t.ifname = "xfrm-gcp2";
    t.kind = LinkKind::Xfrm;
    t.key = 7;
    t.reqid = 7;
    t.local = ip("192.0.2.1");
    t.remote = ip("203.0.113.9");
    t.mtu = 1380;
    t.addresses = {pfx("169.254.20.1/31")};
    t.routes = {{pfx("10.2.0.0/16"), 10, 1000}};
    t.mss = {MssSpec::Mode::Fixed, 1340, 1320};
    return t;
}

LinkInfo mk_link(int index, const char* name, const char* alias, const char* kind) {
    LinkInfo l;
    l.index = index;
    l.name = name;
    l.alias = alias;
    l.kind = kind;
    l.mtu = 1500;
    l.up = true;
    return l;
}

// A fake kernel: applies steps to a snapshot the way the real one would.
void fake_apply(KernelSnapshot& k, const std::vector<Step>& steps) {
    static int next_index = 100;
    auto index_of = [&](const std::string& n) {
        for (auto& l : k.links)
            if (l.name == n) return l.index;
        return 0;
    };
    for (const auto& s : steps) {
        if (auto* l = std::get_if<LinkStep>(&s.op)) {
            if (l->kind == LinkStep::Kind::Create) {
                LinkInfo n = l->want;
                n.index = ++next_index;
                k.links.push_back(n);
            } else if (l->kind == LinkStep::Kind::Change || l->adopted) {
                for (auto& x : k.links)
                    if (x.name == l->want.name) {
                        int idx = x.index;
                        x = l->want;
                        x.index = idx;
                    }
            } else {
                int idx = index_of(l->want.name);
                std::erase_if(k.links, [&](auto& x) { return x.index == idx; });
                std::erase_if(k.addresses, [&](auto& x) { return x.index == idx; });
                std::erase_if(k.routes, [&](auto& x) { return x.oif == idx; });
            }
        } else if (auto* a = std::get_if<AddressStep>(&s.op)) {
            AddressInfo ai = a->addr;
            ai.index = index_of(ai.ifname);
            ai.ifname.clear();
            std::erase_if(k.addresses, [&](auto& x) { return x == ai; });
            if (a->add) k.addresses.push_back(ai);
        } else if (auto* r = std::get_if<RouteStep>(&s.op)) {
            RouteInfo ri = r->route;
            ri.oif = index_of(ri.oif_name);
            ri.oif_name.clear();
            std::erase_if(k.routes, [&](auto& x) { return x.same_key(ri); });
            if (r->op != RouteOp::Delete) k.routes.push_back(ri);
        } else if (auto* p = std::get_if<PolicyStep>(&s.op)) {
            PolicyInfo pi = p->policy;
            pi.tunnel.clear();
            std::erase_if(k.policies, [&](auto& x) { return x.same_key(pi); });
            if (p->op != PolicyOp::Delete) k.policies.push_back(pi);
        } else if (auto* c = std::get_if<SysctlStep>(&s.op)) {
            std::erase_if(k.sysctls, [&](auto& x) { return x.path == c->want.path; });
            k.sysctls.push_back(c->want);
        } else if (auto* n = std::get_if<NftStep>(&s.op)) {
            k.nft.present = !n->rules.empty();
            k.nft.shape_ok = true;
            k.nft.rules = n->rules;
        }
    }
}

size_t count(const std::vector<Step>& s, Change::Object o, Change::Action a) {
    return std::count_if(s.begin(), s.end(), [&](const Step& x) {
        return x.change.object == o && x.change.action == a;
    });
}

KernelSnapshot with_foreign() {
    KernelSnapshot k;
    k.links.push_back(mk_link(1, "lo", "", ""));
    k.links.push_back(mk_link(2, "eth0", "uplink", ""));
    k.addresses.push_back({2, "", pfx("192.0.2.1/24")});
    RouteInfo foreign;
    foreign.dst = pfx("10.9.0.0/16");
    foreign.oif = 2;
    foreign.protocol = RTPROT_STATIC;
    k.routes.push_back(foreign);
    PolicyInfo fp;
    fp.family = AF_INET;
    fp.mark = 999;
    fp.mark_mask = 0xffffffff;
    fp.priority = 10;
    k.policies.push_back(fp);
    return k;
}

}  // namespace

TEST(Diff, FreshVtiTunnelNeedsEveryObjectOnce) {
    DesiredState d{{aws1()}};
    auto steps = diff(KernelSnapshot{}, d);
    ASSERT_TRUE(steps) << steps.message();
    EXPECT_EQ(count(*steps, Change::Object::Link, Change::Action::Add), 1u);
    EXPECT_EQ(count(*steps, Change::Object::Address, Change::Action::Add), 2u);
    EXPECT_EQ(count(*steps, Change::Object::Route, Change::Action::Add), 2u);
    EXPECT_EQ(count(*steps, Change::Object::Policy, Change::Action::Add), 6u);
    EXPECT_EQ(count(*steps, Change::Object::Sysctl, Change::Action::Modify), 2u);
    EXPECT_EQ(count(*steps, Change::Object::Nft, Change::Action::Modify), 1u);
    EXPECT_EQ(steps->size(), 14u);
    EXPECT_EQ((*steps)[0].change.command,
              "ip link add vti-aws1 mtu 1400 up type vti local 192.0.2.1 remote 198.51.100.1 ikey "
              "100 okey 100\nip link set vti-aws1 alias vtigw:aws1");
    EXPECT_EQ((*steps)[0].change.tunnel, "aws1");
    // Links come before what lives on them.
    EXPECT_EQ((*steps)[0].change.object, Change::Object::Link);
}

TEST(Diff, SettingsOfCreatedLinksRideOnTheirLinkMessage) {
    DesiredState d{{aws1(), xfrm2()}};
    KernelSnapshot k;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps) << steps.message();
    LinkSettings on = settings_on_created_links(*steps);
    EXPECT_EQ(on.conf["vti-aws1"],
              (Ipv4Conf{{IPV4_DEVCONF_NOPOLICY, 1}, {IPV4_DEVCONF_RP_FILTER, 2}}));
    EXPECT_EQ(on.conf["xfrm-gcp2"], (Ipv4Conf{{IPV4_DEVCONF_RP_FILTER, 2}}));
    for (size_t i = 0; i < steps->size(); ++i) {
        const auto* c = std::get_if<SysctlStep>(&(*steps)[i].op);
        // IPv6 settings (accept_ra) have no link attribute: they stay file writes.
        bool v4 = c && c->want.path.starts_with("net/ipv4/");
        EXPECT_EQ(on.steps.count(i), v4 ? 1u : 0u) << (*steps)[i].change.str();
    }
    // A link that exists keeps the file write (an old value to restore, a cache to flush).
    fake_apply(k, *steps);
    k.sysctls.clear();
    auto again = diff(k, d);
    ASSERT_TRUE(again) << again.message();
    EXPECT_EQ(count(*again, Change::Object::Sysctl, Change::Action::Modify),
              desired_sysctls(aws1()).size() + desired_sysctls(xfrm2()).size());
    LinkSettings none = settings_on_created_links(*again);
    EXPECT_TRUE(none.conf.empty());
    EXPECT_TRUE(none.steps.empty());
}

TEST(Diff, ReapplyAfterApplyIsEmptyAndForeignObjectsStay) {
    DesiredState d{{aws1(), xfrm2()}};
    KernelSnapshot k = with_foreign();
    auto before = k;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps) << steps.message();
    fake_apply(k, *steps);
    auto again = diff(k, d);
    ASSERT_TRUE(again) << again.message();
    for (const auto& s : *again) ADD_FAILURE() << "unexpected: " << s.change.str();
    // Remove everything: only our objects go, and all of them.
    auto removal = diff(k, DesiredState{});
    ASSERT_TRUE(removal) << removal.message();
    for (const auto& s : *removal) {
        EXPECT_EQ(s.change.action, Change::Action::Remove) << s.change.str();
        EXPECT_EQ(s.change.command.find("eth0"), std::string::npos) << s.change.command;
        EXPECT_EQ(s.change.command.find("10.9.0.0"), std::string::npos) << s.change.command;
        EXPECT_EQ(s.change.command.find("0x3e7"), std::string::npos) << s.change.command;
    }
    fake_apply(k, *removal);
    EXPECT_EQ(k.links.size(), before.links.size());
    EXPECT_EQ(k.routes.size(), before.routes.size());
    EXPECT_EQ(k.policies.size(), before.policies.size());
    EXPECT_EQ(k.addresses, before.addresses);
    EXPECT_FALSE(k.nft.present);
}

TEST(Diff, OneChangeTouchesOnlyThatTunnel) {
    DesiredState d{{aws1(), xfrm2()}};
    KernelSnapshot k;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps);
    fake_apply(k, *steps);
    d.tunnels[1].mtu = 1300;
    d.tunnels[1].routes[0].metric = 20;
    auto change = diff(k, d);
    ASSERT_TRUE(change);
    ASSERT_EQ(change->size(), 3u);
    EXPECT_EQ((*change)[0].change.command, "ip link set xfrm-gcp2 mtu 1300 alias vtigw:gcp2 up");
    // A new metric is a new route slot: the old one is removed first, then the new one added.
    EXPECT_EQ((*change)[1].change.command,
              "ip route del 10.2.0.0/16 metric 10 table 1000 proto 213");
    EXPECT_EQ((*change)[1].change.tunnel, "gcp2");
    EXPECT_EQ((*change)[2].change.action, Change::Action::Add);
    fake_apply(k, *change);
    auto rest = diff(k, d);
    ASSERT_TRUE(rest);
    ASSERT_EQ(rest->size(), 0u) << rest->front().change.str();
}

TEST(Diff, AdminDownTakesTheLinkDownAndBackUp) {
    DesiredState d{{xfrm2()}};
    KernelSnapshot k;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps);
    fake_apply(k, *steps);
    d.tunnels[0].up = false;
    d.tunnels[0].routes.clear();
    auto down = diff(k, d);
    ASSERT_TRUE(down);
    ASSERT_EQ(down->size(), 2u);
    EXPECT_EQ((*down)[0].change.command, "ip link set xfrm-gcp2 mtu 1380 alias vtigw:gcp2 down");
    EXPECT_EQ((*down)[1].change.command, "ip route del 10.2.0.0/16 metric 10 table 1000 proto 213");
    fake_apply(k, *down);
    auto again = diff(k, d);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->size(), 0u);
    d.tunnels[0] = xfrm2();
    auto up = diff(k, d);
    ASSERT_TRUE(up);
    ASSERT_EQ(up->size(), 2u);
    EXPECT_EQ((*up)[0].change.command, "ip link set xfrm-gcp2 mtu 1380 alias vtigw:gcp2 up");
}

TEST(Diff, KeyAndReqidChangesUpdateInPlace) {
    DesiredState d{{aws1()}};
    KernelSnapshot k;
    fake_apply(k, *diff(k, d));
    d.tunnels[0].reqid = 101;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps);
    EXPECT_EQ(steps->size(), 6u);
    EXPECT_EQ(count(*steps, Change::Object::Policy, Change::Action::Modify), 6u);
    d.tunnels[0].key = 200;
    steps = diff(k, d);
    ASSERT_TRUE(steps);
    EXPECT_EQ(count(*steps, Change::Object::Link, Change::Action::Modify), 1u);
    EXPECT_EQ(count(*steps, Change::Object::Policy, Change::Action::Add), 6u);
    EXPECT_EQ(count(*steps, Change::Object::Policy, Change::Action::Remove), 6u);
    EXPECT_NE((*steps)[0].change.command.find("ip link change vti-aws1 type vti"),
              std::string::npos);
}

TEST(Diff, KindChangeReplacesTheLink) {
    DesiredState d{{aws1()}};
    KernelSnapshot k;
    fake_apply(k, *diff(k, d));
    d.tunnels[0].kind = LinkKind::Xfrm;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps);
    ASSERT_FALSE(steps->empty());
    EXPECT_EQ(count(*steps, Change::Object::Link, Change::Action::Remove), 1u);
    EXPECT_EQ(count(*steps, Change::Object::Link, Change::Action::Add), 1u);
    fake_apply(k, *steps);
    auto again = diff(k, d);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->size(), 0u);
}

TEST(Diff, ForeignInterfaceNameIsAClearError) {
    KernelSnapshot k = with_foreign();
    k.links.push_back(mk_link(3, "vti-aws1", "", "veth"));
    auto steps = diff(k, DesiredState{{aws1()}});
    ASSERT_FALSE(steps);
    EXPECT_EQ(steps.status().code(), EEXIST);
    EXPECT_NE(steps.message().find("tunnel aws1"), std::string::npos) << steps.message();
    EXPECT_NE(steps.message().find("interface vti-aws1"), std::string::npos) << steps.message();
    EXPECT_NE(steps.message().find("not owned by vtigw"), std::string::npos) << steps.message();
}

TEST(Diff, ForeignKeyRoutePolicyAddressConflicts) {
    TunnelSpec t = aws1();
    {
        KernelSnapshot k = with_foreign();
        LinkInfo other = mk_link(4, "myvti", "", "vti");
        other.local = t.local;
        other.remote = t.remote;
        other.ikey = other.okey = 100;
        k.links.push_back(other);
        auto s = diff(k, DesiredState{{t}});
        ASSERT_FALSE(s);
        EXPECT_NE(s.message().find("key 100 is already used by interface myvti"), std::string::npos)
            << s.message();
    }
    {
        KernelSnapshot k = with_foreign();
        RouteInfo r;
        r.dst = pfx("10.1.0.0/16");
        r.oif = 2;
        r.protocol = RTPROT_BOOT;
        k.routes.push_back(r);
        auto s = diff(k, DesiredState{{t}});
        ASSERT_FALSE(s);
        EXPECT_NE(s.message().find("route 10.1.0.0/16 table 254 metric 0 already exists"),
                  std::string::npos)
            << s.message();
    }
    {
        KernelSnapshot k = with_foreign();
        PolicyInfo p;
        p.family = AF_INET6;
        p.dir = PolicyDir::In;
        p.mark = 100;
        p.mark_mask = 0xffffffff;
        p.priority = 1;
        k.policies.push_back(p);
        auto s = diff(k, DesiredState{{t}});
        ASSERT_FALSE(s);
        EXPECT_NE(s.message().find("xfrm policy dir in ::/0 mark 100 is taken by a foreign"),
                  std::string::npos)
            << s.message();
    }
    {
        KernelSnapshot k = with_foreign();
        k.addresses.push_back({2, "", pfx("169.254.10.1/24")});
        auto s = diff(k, DesiredState{{t}});
        ASSERT_FALSE(s);
        EXPECT_NE(s.message().find("address 169.254.10.1 is already configured on interface eth0"),
                  std::string::npos)
            << s.message();
    }
}

TEST(Diff, MissingUnderlayIsNamed) {
    TunnelSpec t = aws1();
    t.underlay = "eth9";
    auto s = diff(with_foreign(), DesiredState{{t}});
    ASSERT_FALSE(s);
    EXPECT_NE(s.message().find("underlay interface 'eth9' does not exist"), std::string::npos);
    t.underlay = "eth0";
    s = diff(with_foreign(), DesiredState{{t}});
    ASSERT_TRUE(s) << s.message();
    EXPECT_NE((*s)[0].change.command.find(" dev eth0"), std::string::npos);
}

TEST(Diff, AdoptModeNeverCreatesOrDeletesLinks) {
    ManagerOptions adopt{LinkMode::Adopt};
    KernelSnapshot k = with_foreign();
    TunnelSpec t = aws1();
    t.ifname = "eth0";
    t.addresses = {pfx("169.254.10.1/30")};
    auto s = diff(k, DesiredState{{t}}, adopt);
    ASSERT_TRUE(s) << s.message();
    fake_apply(k, *s);
    auto removal = diff(k, DesiredState{}, adopt);
    ASSERT_TRUE(removal);
    for (const auto& st : *removal)
        EXPECT_EQ(st.change.command.find("ip link del"), std::string::npos) << st.change.command;
    fake_apply(k, *removal);
    ASSERT_EQ(k.links.size(), 2u);
    EXPECT_EQ(k.links[1].alias, "");
    // The pre-existing address of the adopted interface is vtigw's now, so it was removed too:
    // adopt only interfaces dedicated to the tunnel.
    TunnelSpec missing = aws1();
    auto err = diff(with_foreign(), DesiredState{{missing}}, adopt);
    ASSERT_FALSE(err);
    EXPECT_NE(err.message().find("does not exist (adopt mode)"), std::string::npos);
}

TEST(Diff, InverseUndoesEachKind) {
    DesiredState d{{aws1()}};
    KernelSnapshot k = with_foreign();
    auto before = k;
    auto steps = diff(k, d);
    ASSERT_TRUE(steps);
    fake_apply(k, *steps);
    std::vector<Step> undo;
    for (auto it = steps->rbegin(); it != steps->rend(); ++it) undo.push_back(inverse(*it));
    fake_apply(k, undo);
    EXPECT_EQ(k.links.size(), before.links.size());
    EXPECT_EQ(k.routes.size(), before.routes.size());
    EXPECT_EQ(k.policies.size(), before.policies.size());
    EXPECT_EQ(k.addresses, before.addresses);
}

TEST(Validate, NamesTheTunnelAndValue) {
    auto check = [](auto mutate, const char* needle) {
        TunnelSpec t = aws1();
        mutate(t);
        Result r = validate(DesiredState{{t}});
        EXPECT_FALSE(r.ok()) << needle;
        EXPECT_NE(r.message().find(needle), std::string::npos) << r.message();
    };
    check([](TunnelSpec& t) { t.ifname = "much-too-long-name0"; }, "much-too-long-name0");
    check([](TunnelSpec& t) { t.ifname = "a\"b"; }, "interface name");
    check([](TunnelSpec& t) { t.key = 0; }, "key must not be 0");
    check([](TunnelSpec& t) { t.reqid = 0; }, "reqid");
    check([](TunnelSpec& t) { t.remote = *IpAddress::parse("2001:db8::1"); }, "one family");
    check([](TunnelSpec& t) { t.mtu = 1200; }, "IPv6 needs mtu");
    check([](TunnelSpec& t) { t.routes[0].destination = *Prefix::parse("10.1.0.1/16"); },
          "host bits");
    check([](TunnelSpec& t) { t.addresses.push_back(t.addresses[0]); }, "used twice");
    check([](TunnelSpec& t) { t.mss = {MssSpec::Mode::Fixed, 40, 0}; }, "MSS 40");
    TunnelSpec a = aws1(), b = aws1();
    b.name = "b";
    b.ifname = "vti-b";
    b.addresses.clear();
    b.routes.clear();
    Result dup = validate(DesiredState{{a, b}});
    EXPECT_NE(dup.message().find("tunnel b: key 100 used by two tunnels"), std::string::npos)
        << dup.message();
}

TEST(Validate, VtiDoesNotShareOuterAddresses) {
    TunnelSpec a = aws1(), b = aws1();
    b.name = "b";
    b.ifname = "xfi-b";
    b.kind = LinkKind::Xfrm;
    b.key = 101;
    b.reqid = a.reqid + 1;
    b.addresses.clear();
    b.routes.clear();
    Result r = validate(DesiredState{{a, b}});
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.message().find("tunnel b: outer addresses"), std::string::npos) << r.message();
    EXPECT_NE(r.message().find("also used by tunnel " + a.name), std::string::npos) << r.message();
    // XFRM interfaces share outer addresses: the kernel picks the interface by the SA's if_id.
    a.kind = LinkKind::Xfrm;
    a.ifname = "xfi-a";
    EXPECT_TRUE(validate(DesiredState{{a, b}}).ok());
    // A VTI on another pair of outer addresses is fine next to them.
    TunnelSpec c = aws1();
    c.name = "c";
    c.ifname = "vti-c";
    c.key = 102;
    c.reqid = a.reqid + 2;
    c.addresses.clear();
    c.routes.clear();
    c.remote = *IpAddress::parse("198.51.100.77");
    EXPECT_TRUE(validate(DesiredState{{a, b, c}}).ok())
        << validate(DesiredState{{a, b, c}}).message();
}
