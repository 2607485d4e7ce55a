// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Steps of loading shared between loader.cpp, validate.cpp and assign.cpp.

#include <string>
#include <vector>

#include "bgp_internal.h"
#include "gateway/config.h"
#include "gateway/diagnostics.h"
#include "gateway/loader.h"
#include "settings.h"

namespace gateway::detail {

/** Per-tunnel facts that only matter during loading. */
struct TunnelExtras {
    /** Pointer of the tunnel, "/tunnels/N". */
    std::string pointer;
    /** True when `interface` was given. */
    bool explicit_ifname = false;
    /** True when `reqid` was given. */
    bool explicit_reqid = false;
    /** Pointer of the key field when given ("…/mark" or "…/if_id"). */
    std::string key_pointer;
    /** True when every field of the tunnel was read without error. */
    bool complete = false;
    /** Merged settings with their origins. */
    Settings settings;
    /** The tunnel's `bgp` block as written, when it has one. */
    std::optional<BgpInput> bgp;
};

/** Checks one resolved tunnel and derives MTU/MSS; adds diagnostics. */
void validate_tunnel(Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw,
                     const LoadOptions& options, Diagnostics& d);

/** Refuses IPv6 outer addresses that cannot work: link-local or IPv4-mapped ones (remote, local,
 *  or the /gateway/local address a tunnel without `local` would take) and an underlay MTU below
 *  IPv6's 1280. Runs before the local address is chosen. */
void check_ipv6_outer(const Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw,
                      Diagnostics& d);

/** Assigns interface names, keys and reqids that were not given. */
void assign_identifiers(std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                        Diagnostics& d);

/** Checks across tunnels: duplicates, overlapping routes, routes covering outer addresses. */
void validate_across(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                     Diagnostics& d);

/** Checks a tunnel with `"remote": "any"` (kind xfrm, respond, remote_id) and picks its local
 *  address; DPD restart or trap become clear (nobody to initiate to). */
void check_open_remote(Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw, Diagnostics& d);

/** Checks a tunnel of a gateway with `"local": "auto"` (kind xfrm, a local_id, a known
 *  remote, no tunnel `local`). */
void check_auto_local(const Tunnel& t, const TunnelExtras& x, Diagnostics& d);

/** The remote_ids of `"remote": "any"` tunnels are unique (IKE tells the branches apart by them).
 */
void check_open_remotes_across(const std::vector<Tunnel>& tunnels,
                               const std::vector<TunnelExtras>& extras, Diagnostics& d);

/** More VTIs than this draw a warning: their per-packet policy lookup grows with their number. */
inline constexpr size_t kManyVtis = 100;

/** Warns when more than kManyVtis tunnels are VTIs (kind "xfrm" keeps the data path flat). */
void warn_many_vtis(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                    Diagnostics& d);

/** Checks PSK and certificate files / environment variables of one tunnel. */
void validate_credentials(const Auth& auth, const std::string& auth_pointer,
                          const LoadOptions& options, Diagnostics& d);

}  // namespace gateway::detail
