// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Address family: inside addresses of tunnel interfaces (IPv4 /30 /31, IPv6 /126 /127, ...).

#include <linux/netlink.h>

#include <optional>
#include <string>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti {

/** One interface address. */
struct AddressInfo {
    /** ifindex of the interface. */
    int index = 0;
    /** Interface name, for messages and commands. */
    std::string ifname;
    /** Local address and prefix length. */
    Prefix prefix;
    /** Field-wise order and equality. */
    auto operator<=>(const AddressInfo&) const = default;
};

/** RTM_NEWADDR (create, exclusive; IPv6 without DAD) or RTM_DELADDR for `a`. */
nl::Message build_address(bool add, const AddressInfo& a);
/** RTM_GETADDR dump request for both families; with `index` != 0 only that interface's
 *  (honoured by the kernel on a socket with strict checking). */
nl::Message build_address_dump(int index = 0);
/** Parses an RTM_NEWADDR message (or an RTM_DELADDR notification); nullopt for others or
 *  malformed ones. */
std::optional<AddressInfo> parse_address(const nlmsghdr* nlh);
/** True for addresses the kernel adds by itself (IPv6 link-local), which vtigw leaves alone. */
bool is_kernel_address(const Prefix& p);
/** `ip addr add|del PREFIX dev IF` equivalent. */
std::string address_command(bool add, const AddressInfo& a);

}  // namespace vti
