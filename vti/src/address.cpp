// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/address.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace vti {

nl::Message build_address(bool add, const AddressInfo& a) {
    nl::Message m(add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
    auto* ifa = m.put_extra<ifaddrmsg>();
    if (!ifa) return m;
    ifa->ifa_family = static_cast<uint8_t>(a.prefix.addr.family);
    ifa->ifa_prefixlen = a.prefix.len;
    ifa->ifa_index = static_cast<uint32_t>(a.index);
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    const auto* bytes = a.prefix.addr.bytes.data();
    m.put(IFA_LOCAL, bytes, a.prefix.addr.size());
    m.put(IFA_ADDRESS, bytes, a.prefix.addr.size());
    // A point-to-point tunnel has no neighbours to detect duplicates with.
    if (add && a.prefix.addr.is_v6()) m.put_u32(IFA_FLAGS, IFA_F_NODAD);
    return m;
}

nl::Message build_address_dump(int index) {
    nl::Message m(RTM_GETADDR, 0);
    auto* ifa = m.put_extra<ifaddrmsg>();
    if (!ifa) return m;
    ifa->ifa_family = AF_UNSPEC;
    ifa->ifa_index = static_cast<uint32_t>(index);
    return m;
}

std::optional<AddressInfo> parse_address(const nlmsghdr* nlh) {
    if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(ifaddrmsg))
        return std::nullopt;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return std::nullopt;
    AddressInfo out;
    out.index = static_cast<int>(ifa->ifa_index);
    out.prefix.len = ifa->ifa_prefixlen;
    size_t want = ifa->ifa_family == AF_INET6 ? 16 : 4;
    const nlattr* local = nullptr;
    const nlattr* address = nullptr;
    nl::for_each_attr(nlh, sizeof(ifaddrmsg), [&](const nlattr* a) {
        if (mnl_attr_get_payload_len(a) != want) return;
        if (mnl_attr_get_type(a) == IFA_LOCAL) local = a;
        if (mnl_attr_get_type(a) == IFA_ADDRESS) address = a;
    });
    // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
    const nlattr* use = local ? local : address;
    if (!use) return std::nullopt;
    out.prefix.addr.family = ifa->ifa_family;
    memcpy(out.prefix.addr.bytes.data(), mnl_attr_get_payload(use), want);
    return out;
}

bool is_kernel_address(const Prefix& p) {
    return p.addr.is_v6() && p.addr.bytes[0] == 0xfe && (p.addr.bytes[1] & 0xc0) == 0x80;
}

std::string address_command(bool add, const AddressInfo& a) {
    return std::string("ip addr ") + (add ? "add " : "del ") + a.prefix.str() + " dev " + a.ifname +
           (add && a.prefix.addr.is_v6() ? " nodad" : "");
}

}  // namespace vti
