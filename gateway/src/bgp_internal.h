// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Loading the BGP parts of a configuration: the top-level `bgp` block, each tunnel's `bgp`
// block as written, and its resolution (profile values, defaults) and checks.

#include <optional>
#include <string>
#include <vector>

#include "fields.h"
#include "gateway/config.h"
#include "gateway/loader.h"

namespace gateway::detail {

/** A tunnel's `bgp` block as written, before its profile is applied. */
struct BgpInput {
    /** Pointer of the block, "/tunnels/N/bgp". */
    std::string pointer;
    std::optional<vti::IpAddress> peer;
    std::optional<uint32_t> peer_asn;
    std::optional<BgpProfile> profile;
    /** `bfd`: a profile name, or "" for false; unset when not given. */
    std::optional<std::string> bfd;
    std::optional<uint32_t> med;
    std::optional<uint32_t> prepend;
    std::optional<uint32_t> multihop;
    std::optional<uint32_t> keepalive;
    std::optional<uint32_t> hold;
    std::optional<bool> passive;
    std::optional<PskSource> password;
    /** Pointer of the password field ("…/password_file" or "…/password_env"). */
    std::string password_pointer;
    std::optional<std::vector<vti::Prefix>> announce;
    std::optional<std::vector<PrefixRule>> accept;
    std::optional<uint32_t> max_prefix_in;
};

/** The name `"bfd": true` refers to: 300 ms × 3 unless `bfd_profiles` defines it. */
inline constexpr const char* kDefaultBfdProfile = "default";

/** Reads the top-level `bgp` block. */
std::optional<BgpGateway> read_bgp_gateway(const json& v, Diagnostics& d);

/** Reads a tunnel's `bgp` block at `pointer`. */
std::optional<BgpInput> read_tunnel_bgp(const json& v, const std::string& pointer, Diagnostics& d);

/** Applies the profile and defaults to `in` and checks what concerns this tunnel alone;
 *  sets t.bgp. `gw` is null when the file has no top-level `bgp`. */
void resolve_tunnel_bgp(Tunnel& t, const BgpInput& in, const BgpGateway* gw,
                        const LoadOptions& options, Diagnostics& d);

/** Checks across tunnels (duplicate peers) and the routes of a BGP gateway (they go to FRR's
 *  staticd); adds the built-in default BFD profile to `gw` when a tunnel uses it. */
void validate_bgp_across(const std::vector<Tunnel>& tunnels,
                         const std::vector<std::string>& pointers, BgpGateway* gw, Diagnostics& d);

/** The session values of a profile: keepalive, hold, connect, BFD on, announce limit. */
struct BgpProfileValues {
    uint32_t keepalive;
    uint32_t hold;
    uint32_t connect;
    bool bfd;
    /** Most prefixes the provider accepts from us (0: no limit). */
    uint32_t max_prefix_out;
};

/** The values of `p`. */
BgpProfileValues bgp_profile_values(BgpProfile p);

/** Names of the BGP profiles in enum order. */
const std::vector<std::string_view>& bgp_profile_names();

}  // namespace gateway::detail
