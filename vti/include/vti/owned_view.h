// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What vtigw owns after a successful apply (the applied tunnels, their links' ifindexes, the
// slots of their routes and policies) and which kernel notifications show that something it
// owns may now differ from that. Pure: classifies netlink messages, never reads the kernel.

#include <linux/netlink.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vti/change.h"
#include "vti/tunnel.h"
#include "vti/wanted.h"

namespace vti {

/** Slots held by objects vtigw does not own, as far as they could stand in the way of a tunnel
 *  that is added or changed later (the diff would report a conflict). An over-approximation:
 *  slots are added from the snapshot and from notifications of new foreign objects, never
 *  removed, so a check against it can only send the manager to the full path needlessly. */
struct ForeignSlots {
    /** VTI keys and XFRM if_ids of links not owned by vtigw. */
    std::set<uint32_t> link_keys;
    /** Addresses on links not owned by vtigw. */
    std::set<IpAddress> addresses;
    /** Slots of routes with another protocol than vtigw's. */
    std::set<RouteSlot> routes;
    /** Slots of policies vtigw does not own. */
    std::set<PolicySlot> policies;
    /** Adds the foreign objects of a full snapshot. */
    void add_snapshot(const KernelSnapshot& s);
};

/** The verdict on one notification. */
struct EventVerdict {
    /** Empty when the notification cannot change what a full snapshot would show of vtigw's
     *  objects; else why it may (e.g. "route 10.1.0.0/16 table 254 metric 0 deleted"). */
    std::string drift;
    /** The notification concerns table inet vtigw. */
    bool nft = false;
};

/** The tunnels vtigw applied and where their objects live, with incremental updates. */
class OwnedView {
  public:
    /** An empty view; `tunnel_params` compares the tunnel parameters of links (false when
     *  links are adopted stand-ins whose kind vtigw does not choose). */
    explicit OwnedView(bool tunnel_params = true) : tunnel_params_(tunnel_params) {}
    /** Moves keep the indexes valid (map nodes move with their map); copies would not. */
    OwnedView(OwnedView&&) = default;
    OwnedView& operator=(OwnedView&&) = default;
    OwnedView(const OwnedView&) = delete;
    OwnedView& operator=(const OwnedView&) = delete;

    /** Records tunnel `t` as applied: its link has ifindex `ifindex`, its underlay (if any)
     *  `underlay_index`. Replaces an earlier entry of the same name. */
    void add(const TunnelSpec& t, int ifindex, int underlay_index);
    /** Forgets tunnel `name` (no-op when unknown). */
    void remove(const std::string& name);
    /** Forgets everything. */
    void clear();
    /** The applied spec of tunnel `name`, or nullptr. */
    const TunnelSpec* spec(const std::string& name) const;
    /** Names of all applied tunnels. */
    std::vector<std::string> names() const;
    /** Number of applied tunnels. */
    size_t size() const { return tunnels_.size(); }
    /** The applied tunnel whose route occupies `slot`, or nullptr. */
    const std::string* route_owner(const RouteSlot& slot) const;
    /** The applied tunnel whose policy occupies `slot`, or nullptr. */
    const std::string* policy_owner(const PolicySlot& slot) const;

    /**
     * Classifies one notification of netlink `protocol` (NETLINK_ROUTE, NETLINK_XFRM,
     * NETLINK_NETFILTER) against the applied state: drift when it shows an owned object that may
     * no longer be as applied (a link, address, route, policy or rp_filter of an applied tunnel
     * changed or deleted, an unknown object carrying vtigw's marks, an underlay renumbered, a
     * change to table inet vtigw, a policy flush). Notifications that leave the owned objects as
     * applied (a repeated notification of the same state, carrier changes, IPv6 link-local
     * addresses) are not drift. New foreign objects are added to `foreign`.
     */
    EventVerdict classify(int protocol, const nlmsghdr* h, ForeignSlots* foreign) const;

  private:
    // Only the spec is kept per tunnel (a thousand tunnels are common): its link and sysctls
    // are derived again when a notification concerns them, and the indexes below point into
    // tunnels_ (std::map nodes do not move) instead of holding copies of the name.
    struct Entry {
        TunnelSpec spec;
        int index = 0;
        int underlay_index = 0;
    };
    EventVerdict link_event(const nlmsghdr* h, ForeignSlots* foreign) const;
    EventVerdict address_event(const nlmsghdr* h, ForeignSlots* foreign) const;
    EventVerdict route_event(const nlmsghdr* h, ForeignSlots* foreign) const;
    EventVerdict netconf_event(const nlmsghdr* h) const;
    EventVerdict policy_event(const nlmsghdr* h, ForeignSlots* foreign) const;
    const Entry* by_index(int index) const;

    bool tunnel_params_;
    std::map<std::string, Entry> tunnels_;
    std::map<std::string, const Entry*> by_ifname_;
    std::map<int, const Entry*> by_index_;
    std::map<std::string, std::pair<int, int>> underlays_;  // name -> (index, users)
    std::map<RouteSlot, const std::string*> routes_;        // -> the key in tunnels_
    std::map<PolicySlot, const std::string*> policies_;
};

}  // namespace vti
