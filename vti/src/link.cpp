// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/link.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/rtnetlink.h>

#include <cstring>

namespace vti {

namespace {

bool is_vti(const std::string& kind) {
    return kind == "vti" || kind == "vti6";
}

void put_tunnel(nl::Message& m, const LinkInfo& l) {
    nlattr* info = m.nest_start(IFLA_LINKINFO);
    if (!info) return;
    m.put_strz(IFLA_INFO_KIND, l.kind);
    nlattr* data = m.nest_start(IFLA_INFO_DATA);
    if (!data) return;
    if (is_vti(l.kind)) {
        m.put(IFLA_VTI_LOCAL, l.local.bytes.data(), l.local.size());
        m.put(IFLA_VTI_REMOTE, l.remote.bytes.data(), l.remote.size());
        // VTI keys are __be32 on the wire (iproute2 link_vti.c).
        m.put_u32(IFLA_VTI_IKEY, htonl(l.ikey));
        m.put_u32(IFLA_VTI_OKEY, htonl(l.okey));
        if (l.underlay_index) m.put_u32(IFLA_VTI_LINK, static_cast<uint32_t>(l.underlay_index));
    } else if (l.kind == "xfrm") {
        m.put_u32(IFLA_XFRM_IF_ID, l.if_id);
        if (l.underlay_index) m.put_u32(IFLA_XFRM_LINK, static_cast<uint32_t>(l.underlay_index));
    }
    m.nest_end(data);
    m.nest_end(info);
}

void put_ipv4_conf(nl::Message& m, const Ipv4Conf& conf) {
    if (conf.empty()) return;
    nlattr* spec = m.nest_start(IFLA_AF_SPEC);
    nlattr* inet = m.nest_start(AF_INET);
    nlattr* list = m.nest_start(IFLA_INET_CONF);
    for (const auto& [id, value] : conf) m.put_u32(id, value);
    m.nest_end(list);
    m.nest_end(inet);
    m.nest_end(spec);
}

nl::Message link_message(uint16_t flags, const LinkInfo& l, bool with_tunnel) {
    nl::Message m(RTM_NEWLINK, flags);
    auto* ifi = m.put_extra<ifinfomsg>();
    if (!ifi) return m;
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = l.up ? IFF_UP : 0;
    m.put_strz(IFLA_IFNAME, l.name);
    if (l.mtu) m.put_u32(IFLA_MTU, l.mtu);
    m.put_strz(IFLA_IFALIAS, l.alias);
    if (with_tunnel) put_tunnel(m, l);
    return m;
}

IpAddress addr_from(const nlattr* a, int family) {
    IpAddress ip;
    size_t want = family == AF_INET6 ? 16 : 4;
    if (mnl_attr_get_payload_len(a) != want) return ip;
    ip.family = family;
    memcpy(ip.bytes.data(), mnl_attr_get_payload(a), want);
    return ip;
}

void parse_info_data(const nlattr* data, LinkInfo& l) {
    int family = l.kind == "vti6" ? AF_INET6 : AF_INET;
    nl::for_each_nested(data, [&](const nlattr* a) {
        uint16_t t = mnl_attr_get_type(a);
        bool u32ok = mnl_attr_validate(a, MNL_TYPE_U32) == 0;
        if (is_vti(l.kind)) {
            if (t == IFLA_VTI_LOCAL) l.local = addr_from(a, family);
            if (t == IFLA_VTI_REMOTE) l.remote = addr_from(a, family);
            if (t == IFLA_VTI_IKEY && u32ok) l.ikey = ntohl(mnl_attr_get_u32(a));
            if (t == IFLA_VTI_OKEY && u32ok) l.okey = ntohl(mnl_attr_get_u32(a));
            if (t == IFLA_VTI_LINK && u32ok)
                l.underlay_index = static_cast<int>(mnl_attr_get_u32(a));
        } else if (l.kind == "xfrm") {
            if (t == IFLA_XFRM_IF_ID && u32ok) l.if_id = mnl_attr_get_u32(a);
            if (t == IFLA_XFRM_LINK && u32ok)
                l.underlay_index = static_cast<int>(mnl_attr_get_u32(a));
        }
    });
}

void parse_linkinfo(const nlattr* info, LinkInfo& l) {
    const nlattr* data = nullptr;
    nl::for_each_nested(info, [&](const nlattr* a) {
        if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
            l.kind.assign(static_cast<const char*>(mnl_attr_get_payload(a)),
                          strnlen(static_cast<const char*>(mnl_attr_get_payload(a)),
                                  mnl_attr_get_payload_len(a)));
        if (mnl_attr_get_type(a) == IFLA_INFO_DATA && mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
            data = a;
    });
    if (data) parse_info_data(data, l);
}

std::string str_attr(const nlattr* a) {
    const char* p = static_cast<const char*>(mnl_attr_get_payload(a));
    return std::string(p, strnlen(p, mnl_attr_get_payload_len(a)));
}

std::string tunnel_args(const LinkInfo& l) {
    std::string s = " type " + l.kind;
    if (is_vti(l.kind)) {
        s += " local " + l.local.str() + " remote " + l.remote.str() + " ikey " +
             std::to_string(l.ikey) + " okey " + std::to_string(l.okey);
    } else if (l.kind == "xfrm") {
        s += " if_id " + std::to_string(l.if_id);
    }
    if (!l.underlay.empty()) s += " dev " + l.underlay;
    return s;
}

}  // namespace

bool LinkInfo::same_tunnel(const LinkInfo& o) const {
    return kind == o.kind && local == o.local && remote == o.remote && ikey == o.ikey &&
           okey == o.okey && if_id == o.if_id && underlay_index == o.underlay_index;
}

std::optional<std::string> owner_of_alias(const std::string& alias) {
    std::string_view p(kAliasPrefix);
    if (alias.size() <= p.size() || alias.compare(0, p.size(), p) != 0) return std::nullopt;
    return alias.substr(p.size());
}

nl::Message build_link_create(const LinkInfo& l) {
    return link_message(NLM_F_CREATE | NLM_F_EXCL, l, true);
}

nl::Message build_link_change(const LinkInfo& l, bool with_tunnel, const Ipv4Conf& conf) {
    nl::Message m = link_message(0, l, with_tunnel);
    put_ipv4_conf(m, conf);
    return m;
}

nl::Message build_link_delete(const std::string& name) {
    nl::Message m(RTM_DELLINK, 0);
    auto* ifi = m.put_extra<ifinfomsg>();
    if (ifi) ifi->ifi_family = AF_UNSPEC;
    m.put_strz(IFLA_IFNAME, name);
    return m;
}

nl::Message build_link_dump() {
    nl::Message m(RTM_GETLINK, 0);
    auto* ifi = m.put_extra<ifinfomsg>();
    if (ifi) ifi->ifi_family = AF_UNSPEC;
    // Counters are most of each reply and never read here; kernels without the flag ignore it.
    m.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return m;
}

nl::Message build_link_get(const std::string& name) {
    nl::Message m(RTM_GETLINK, 0);
    auto* ifi = m.put_extra<ifinfomsg>();
    if (ifi) ifi->ifi_family = AF_UNSPEC;
    m.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    m.put_strz(IFLA_IFNAME, name);
    return m;
}

/** IFLA_AF_SPEC: keeps the AF_INET devconf array (the per-interface IPv4 sysctls). */
void parse_af_spec(const nlattr* spec, LinkInfo& l) {
    nl::for_each_nested(spec, [&](const nlattr* af) {
        if (mnl_attr_get_type(af) != AF_INET || mnl_attr_validate(af, MNL_TYPE_NESTED) != 0) return;
        nl::for_each_nested(af, [&](const nlattr* a) {
            if (mnl_attr_get_type(a) != IFLA_INET_CONF) return;
            size_t n = mnl_attr_get_payload_len(a) / sizeof(uint32_t);
            l.ipv4_conf.resize(n);
            std::memcpy(l.ipv4_conf.data(), mnl_attr_get_payload(a), n * sizeof(uint32_t));
        });
    });
}

std::optional<LinkInfo> parse_link(const nlmsghdr* nlh) {
    if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(ifinfomsg))
        return std::nullopt;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    LinkInfo l;
    l.index = ifi->ifi_index;
    l.up = ifi->ifi_flags & IFF_UP;
    nl::for_each_attr(nlh, sizeof(ifinfomsg), [&](const nlattr* a) {
        switch (mnl_attr_get_type(a)) {
            case IFLA_IFNAME:
                if (mnl_attr_validate(a, MNL_TYPE_STRING) == 0) l.name = str_attr(a);
                break;
            case IFLA_IFALIAS:
                if (mnl_attr_validate(a, MNL_TYPE_STRING) == 0) l.alias = str_attr(a);
                break;
            case IFLA_MTU:
                if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) l.mtu = mnl_attr_get_u32(a);
                break;
            case IFLA_LINKINFO:
                if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) parse_linkinfo(a, l);
                break;
            case IFLA_AF_SPEC:
                if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0) parse_af_spec(a, l);
                break;
            default:
                break;  // unknown attributes are ignored
        }
    });
    if (l.name.empty()) return std::nullopt;
    return l;
}

std::string link_create_command(const LinkInfo& l) {
    // The kernel ignores IFLA_IFALIAS on creation, so the alias is a second command (and message).
    return "ip link add " + l.name + " mtu " + std::to_string(l.mtu) + (l.up ? " up" : "") +
           tunnel_args(l) + "\nip link set " + l.name + " alias " + l.alias;
}

std::string link_change_command(const LinkInfo& l, bool with_tunnel) {
    std::string s = "ip link set " + l.name + " mtu " + std::to_string(l.mtu) + " alias " +
                    l.alias + (l.up ? " up" : " down");
    if (with_tunnel) s += "\nip link change " + l.name + tunnel_args(l);
    return s;
}

std::string link_delete_command(const std::string& name) {
    return "ip link del " + name;
}

}  // namespace vti
