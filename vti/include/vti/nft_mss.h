// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// nftables family: TCP MSS clamping for SYNs forwarded through tunnels, in the one table vtigw
// owns (`inet vtigw`), always replaced as a whole in one transaction through libnftables.
// Reading goes straight to nfnetlink instead: libnftables loads its whole cache for any listing
// (~170 ms with 2,000 rules), a raw rule dump takes a few ms. Each rule carries a comment naming
// what it is ("vtigw:o:vti0:4:1360"), which is what the diff compares.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vti/netlink_socket.h"
#include "vti/result.h"
#include "vti/tunnel.h"

namespace vti {

/** The nftables table vtigw owns (family inet). */
inline constexpr const char* kNftTable = "vtigw";

/** One clamp rule in chain `forward` of table inet vtigw. */
struct MssRule {
    /** Interface matched by iifname / oifname. */
    std::string ifname;
    /** True: iifname (SYNs arriving from the tunnel); false: oifname (SYNs leaving into it). */
    bool inbound = false;
    /** 0: any family; 4 / 6: `meta nfproto ipv4 / ipv6`. */
    int nfproto = 0;
    /** Fixed MSS, or 0 for `rt mtu`. A rule vtigw cannot read back has mss 0xffff and ifname
     *  "?" so it never equals a desired rule. */
    uint16_t mss = 0;
    /** Ordered by ifname, direction, family, value (rules are compared as sorted lists). */
    auto operator<=>(const MssRule&) const = default;
};

/** What table inet vtigw currently holds. */
struct NftState {
    /** Whether the table exists. */
    bool present = false;
    /** Whether every rule sits in chain `forward`, the only chain vtigw writes. */
    bool shape_ok = false;
    /** Clamp rules, sorted. */
    std::vector<MssRule> rules;
};

/** The rules a desired state needs, sorted: per tunnel with MSS on, both directions; RouteMtu as
 *  one rule per direction, Fixed as one rule per direction and family. */
std::vector<MssRule> desired_mss_rules(const DesiredState& d);
/** The comment identifying a rule: "vtigw:<i|o>:<ifname>:<0|4|6>:<mss>". */
std::string mss_rule_comment(const MssRule& r);
/** The rule a comment names; the unreadable rule ("?") for anything else. */
MssRule parse_mss_comment(const std::string& comment);
/** One rule in nft syntax, with its comment. */
std::string mss_rule_text(const MssRule& r);
/** The nft script that atomically replaces table inet vtigw with `rules`, or deletes it when
 *  `rules` is empty (a create+delete+create in one transaction, so no state in between). */
std::string mss_replace_script(const std::vector<MssRule>& rules);
/** True when `s` holds exactly `rules` in the expected shape (or is absent and rules empty). */
bool mss_table_matches(const NftState& s, const std::vector<MssRule>& rules);
/** NFT_MSG_GETTABLE for table inet vtigw (answers ENOENT when it is absent). */
nl::Message build_mss_table_get();
/** NFT_MSG_GETRULE dump request for table inet vtigw. */
nl::Message build_mss_rule_dump();
/** Reads one NFT_MSG_NEWRULE: sets `chain` and returns the rule its comment names; nullopt for
 *  other messages or rules of other tables. */
std::optional<MssRule> parse_mss_rule(const nlmsghdr* nlh, std::string* chain);
/** Reads table inet vtigw over a NETLINK_NETFILTER socket (absent table: present=false). */
Expected<NftState> read_mss_table(nl::Socket& nfnl);
/** The nf_tables generation of the socket's network namespace (NFT_MSG_GETGEN): every committed
 *  transaction raises it by one. */
Expected<uint32_t> read_nft_generation(nl::Socket& nfnl);
/** Runs an nft script through libnftables in one transaction; errors carry nft's message. */
Result run_nft(const std::string& script);

}  // namespace vti
