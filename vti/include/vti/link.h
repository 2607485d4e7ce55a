// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Link family: tunnel interfaces (kind vti / vti6 with local, remote, ikey, okey, underlay; kind
// xfrm with if_id and underlay), their MTU, admin state and IFLA_IFALIAS ownership mark.

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti {

/** Prefix of IFLA_IFALIAS on links vtigw owns: "vtigw:<tunnel name>". */
inline constexpr const char* kAliasPrefix = "vtigw:";

/** One network interface as vtigw sees it (dumped from or sent to the kernel). */
struct LinkInfo {
    /** ifindex; 0 when unknown or not yet created. */
    int index = 0;
    /** Interface name. */
    std::string name;
    /** IFLA_IFALIAS, "vtigw:<tunnel>" on owned links. */
    std::string alias;
    /** IFLA_INFO_KIND: "vti", "vti6", "xfrm", "veth", ... (empty for kindless devices). */
    std::string kind;
    /** MTU. */
    uint32_t mtu = 0;
    /** IFF_UP. */
    bool up = false;
    /** VTI outer local address. */
    IpAddress local;
    /** VTI outer remote address. */
    IpAddress remote;
    /** VTI input key, host order (sent big-endian). */
    uint32_t ikey = 0;
    /** VTI output key, host order (sent big-endian). */
    uint32_t okey = 0;
    /** XFRM interface if_id. */
    uint32_t if_id = 0;
    /** Underlay ifindex (IFLA_VTI_LINK / IFLA_XFRM_LINK), 0 for none. */
    int underlay_index = 0;
    /** Underlay name, for messages and commands only. */
    std::string underlay;
    /** The link's IPv4 settings (IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF): element i is
     *  IPV4_DEVCONF_* i + 1, the value of net/ipv4/conf/<name>/…; empty when not reported. */
    std::vector<uint32_t> ipv4_conf;

    /** True when the tunnel parameters (kind, addresses, keys, if_id, underlay) are equal. */
    bool same_tunnel(const LinkInfo& o) const;
};

/** The tunnel name from an owned alias ("vtigw:aws1" -> "aws1"); nullopt if not ours. */
std::optional<std::string> owner_of_alias(const std::string& alias);

/** RTM_NEWLINK creating `l` (NLM_F_CREATE|NLM_F_EXCL), with MTU and admin state. The kernel
 *  ignores IFLA_IFALIAS on creation: follow it with build_link_change(l, false) to set the alias.
 */
nl::Message build_link_create(const LinkInfo& l);
/** IPv4 per-interface settings (devconf id IPV4_DEVCONF_*, value) a link change can carry. */
using Ipv4Conf = std::vector<std::pair<uint16_t, uint32_t>>;

/** RTM_NEWLINK changing an existing link by name: MTU, alias, admin state and, when
 *  `with_tunnel` is set, the tunnel parameters (kind must match the existing link). `conf`
 *  goes along as IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF: the same values as the sysctl files under
 *  net/ipv4/conf/NAME, without a file write each (the kernel takes them on a change only). */
nl::Message build_link_change(const LinkInfo& l, bool with_tunnel, const Ipv4Conf& conf = {});
/** RTM_DELLINK by name. */
nl::Message build_link_delete(const std::string& name);
/** RTM_GETLINK dump request. */
nl::Message build_link_dump();
/** RTM_GETLINK of one link by name (answers ENODEV when there is none). */
nl::Message build_link_get(const std::string& name);
/** Parses an RTM_NEWLINK message (or an RTM_DELLINK notification); nullopt for other messages
 *  or malformed ones. */
std::optional<LinkInfo> parse_link(const nlmsghdr* nlh);

/** `ip link add ...` + `ip link set ... alias` equivalent of create + alias change. */
std::string link_create_command(const LinkInfo& l);
/** `ip link set/change ...` equivalent of build_link_change. */
std::string link_change_command(const LinkInfo& l, bool with_tunnel);
/** `ip link del NAME`. */
std::string link_delete_command(const std::string& name);

}  // namespace vti
