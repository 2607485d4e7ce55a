// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/change.h"

#include <charconv>

namespace vti {

namespace {

std::string link_desc(const LinkInfo& l) {
    std::string s = l.kind + " interface " + l.name;
    if (l.kind == "xfrm") s += " (if_id " + std::to_string(l.if_id) + ")";
    if (l.kind == "vti" || l.kind == "vti6")
        s += " (" + l.local.str() + " -> " + l.remote.str() + ", key " + std::to_string(l.ikey) +
             ")";
    return s;
}

}  // namespace

const char* to_string(Change::Action a) {
    switch (a) {
        case Change::Action::Add:
            return "add";
        case Change::Action::Modify:
            return "modify";
        case Change::Action::Remove:
            return "remove";
    }
    return "?";
}

const char* to_string(Change::Object o) {
    switch (o) {
        case Change::Object::Link:
            return "link";
        case Change::Object::Address:
            return "address";
        case Change::Object::Route:
            return "route";
        case Change::Object::Policy:
            return "policy";
        case Change::Object::Sysctl:
            return "sysctl";
        case Change::Object::Nft:
            return "nft";
    }
    return "?";
}

std::string Change::str() const {
    return (tunnel.empty() ? std::string() : "tunnel " + tunnel + ": ") + description;
}

Step make_link_step(LinkStep ls, const std::string& tunnel) {
    Step s;
    s.change.object = Change::Object::Link;
    s.change.tunnel = tunnel;
    const LinkInfo& w = ls.want;
    if (ls.adopted) {
        s.change.action = ls.kind == LinkStep::Kind::Create   ? Change::Action::Add
                          : ls.kind == LinkStep::Kind::Delete ? Change::Action::Remove
                                                              : Change::Action::Modify;
        s.change.description =
            (ls.kind == LinkStep::Kind::Delete ? "release interface " : "adopt interface ") +
            w.name + " (mtu " + std::to_string(w.mtu) + ", alias '" + w.alias + "')";
        s.change.command = link_change_command(w, false);
    } else if (ls.kind == LinkStep::Kind::Create) {
        s.change.action = Change::Action::Add;
        s.change.description = "create " + link_desc(w) + ", mtu " + std::to_string(w.mtu);
        s.change.command = link_create_command(w);
    } else if (ls.kind == LinkStep::Kind::Change) {
        s.change.action = Change::Action::Modify;
        s.change.description = "change interface " + w.name + ": mtu " +
                               std::to_string(ls.before.mtu) + " -> " + std::to_string(w.mtu) +
                               (w.up ? ", up" : ", down") +
                               (ls.tunnel ? ", tunnel now " + link_desc(w) : "");
        s.change.command = link_change_command(w, ls.tunnel);
    } else {
        s.change.action = Change::Action::Remove;
        s.change.description = "delete " + link_desc(w);
        s.change.command = link_delete_command(w.name);
    }
    s.op = std::move(ls);
    return s;
}

Step make_address_step(bool add, const AddressInfo& a, const std::string& tunnel) {
    Step s;
    s.change = {add ? Change::Action::Add : Change::Action::Remove, Change::Object::Address, tunnel,
                (add ? "add address " : "remove address ") + a.prefix.str() + " on " + a.ifname,
                address_command(add, a)};
    s.op = AddressStep{add, a};
    return s;
}

Step make_route_step(RouteOp op, const RouteInfo& r, const RouteInfo& before,
                     const std::string& tunnel) {
    Step s;
    Change::Action act = op == RouteOp::Add       ? Change::Action::Add
                         : op == RouteOp::Replace ? Change::Action::Modify
                                                  : Change::Action::Remove;
    std::string verb = op == RouteOp::Add ? "add" : op == RouteOp::Replace ? "replace" : "remove";
    s.change = {act, Change::Object::Route, tunnel,
                verb + " route " + r.dst.str() + " dev " + r.oif_name + " metric " +
                    std::to_string(r.metric) + " table " + std::to_string(r.table),
                route_command(op, r)};
    s.op = RouteStep{op, r, before};
    return s;
}

Step make_policy_step(PolicyOp op, const PolicyInfo& p, const PolicyInfo& before,
                      const std::string& tunnel) {
    Step s;
    Change::Action act = op == PolicyOp::Add      ? Change::Action::Add
                         : op == PolicyOp::Update ? Change::Action::Modify
                                                  : Change::Action::Remove;
    std::string verb = op == PolicyOp::Add ? "add" : op == PolicyOp::Update ? "update" : "remove";
    std::string id =
        p.if_id ? "if_id " + std::to_string(p.if_id) : "mark " + std::to_string(p.mark);
    s.change = {act, Change::Object::Policy, tunnel,
                verb + " xfrm policy " + dir_name(p.dir) +
                    (p.family == 10 ? " ::/0 " : " 0.0.0.0/0 ") + id +
                    (op == PolicyOp::Delete ? "" : " reqid " + std::to_string(p.reqid)),
                policy_command(op, p)};
    s.op = PolicyStep{op, p, before};
    return s;
}

Step make_sysctl_step(const SysctlSetting& st, const std::string& before) {
    Step s;
    s.change = {
        Change::Action::Modify, Change::Object::Sysctl, st.tunnel,
        "set " + st.path + " = " + st.value + (before.empty() ? "" : " (was " + before + ")"),
        sysctl_command(st)};
    s.op = SysctlStep{st, before};
    return s;
}

Step make_nft_step(const std::vector<MssRule>& rules, const NftState& before) {
    Step s;
    std::string script = mss_replace_script(rules);
    size_t n = before.rules.size();
    s.change = {rules.empty() ? Change::Action::Remove : Change::Action::Modify,
                Change::Object::Nft, "",
                rules.empty() ? "delete nft table inet vtigw (" + std::to_string(n) + " MSS rules)"
                              : "replace nft table inet vtigw: " + std::to_string(rules.size()) +
                                    " MSS rules (was " + std::to_string(n) + ")",
                "nft -f - <<'EOF'\n" + script + "EOF"};
    std::vector<MssRule> known;
    for (const auto& r : before.rules)
        if (r.ifname != "?") known.push_back(r);
    std::string restore =
        before.present && !known.empty() ? mss_replace_script(known) : mss_replace_script({});
    s.op = NftStep{rules, script, restore};
    return s;
}

Step inverse(const Step& s) {
    const std::string& t = s.change.tunnel;
    if (auto* l = std::get_if<LinkStep>(&s.op)) {
        LinkStep r = *l;
        if (l->adopted || l->kind == LinkStep::Kind::Change) {
            r.kind = LinkStep::Kind::Change;
            r.want = l->before;
            r.before = l->want;
        } else if (l->kind == LinkStep::Kind::Create) {
            r.kind = LinkStep::Kind::Delete;
        } else {
            r.kind = LinkStep::Kind::Create;
            r.want = l->want;
        }
        return make_link_step(r, t);
    }
    if (auto* a = std::get_if<AddressStep>(&s.op)) return make_address_step(!a->add, a->addr, t);
    if (auto* r = std::get_if<RouteStep>(&s.op)) {
        if (r->op == RouteOp::Add) return make_route_step(RouteOp::Delete, r->route, {}, t);
        if (r->op == RouteOp::Delete) return make_route_step(RouteOp::Add, r->route, {}, t);
        return make_route_step(RouteOp::Replace, r->before, r->route, t);
    }
    if (auto* p = std::get_if<PolicyStep>(&s.op)) {
        if (p->op == PolicyOp::Add) return make_policy_step(PolicyOp::Delete, p->policy, {}, t);
        if (p->op == PolicyOp::Delete) return make_policy_step(PolicyOp::Add, p->policy, {}, t);
        return make_policy_step(PolicyOp::Update, p->before, p->policy, t);
    }
    if (auto* c = std::get_if<SysctlStep>(&s.op)) {
        SysctlSetting back = c->want;
        back.value = c->before;
        return make_sysctl_step(back, c->want.value);
    }
    const auto& n = std::get<NftStep>(s.op);
    Step r = make_nft_step({}, NftState{});
    r.change.description = "restore nft table inet vtigw";
    r.change.command = "nft -f - <<'EOF'\n" + n.restore + "EOF";
    auto& op = std::get<NftStep>(r.op);
    op.script = n.restore;
    op.restore = n.script;
    return r;
}

LinkSettings settings_on_created_links(const std::vector<Step>& steps) {
    LinkSettings f;
    std::set<std::string> created;
    for (const auto& s : steps)
        if (const auto* l = std::get_if<LinkStep>(&s.op);
            l && l->kind == LinkStep::Kind::Create && !l->adopted)
            created.insert(l->want.name);
    if (created.empty()) return f;
    const std::string base = "net/ipv4/conf/";
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto* c = std::get_if<SysctlStep>(&steps[i].op);
        if (!c || !c->before.empty() || !c->want.path.starts_with(base)) continue;
        size_t slash = c->want.path.find('/', base.size());
        if (slash == std::string::npos) continue;
        std::string ifname = c->want.path.substr(base.size(), slash - base.size());
        auto id = created.count(ifname) ? ipv4_devconf_id(c->want.path, ifname) : std::nullopt;
        uint32_t value = 0;
        const std::string& v = c->want.value;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (!id || v.empty() || ec != std::errc() || end != v.data() + v.size()) continue;
        f.conf[ifname].push_back({*id, value});
        f.steps.insert(i);
    }
    return f;
}

}  // namespace vti
