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

/** Assigns interface names, keys and reqids that were not given. */
void assign_identifiers(std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                        Diagnostics& d);

/** Checks across tunnels: duplicates, overlapping routes, routes covering outer addresses. */
void validate_across(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                     Diagnostics& d);

/** More VTIs than this draw a warning: their per-packet policy lookup grows with their number. */
inline constexpr size_t kManyVtis = 100;

/** Warns when more than kManyVtis tunnels are VTIs (kind "xfrm" keeps the data path flat). */
void warn_many_vtis(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                    Diagnostics& d);

/** Checks PSK and certificate files / environment variables of one tunnel. */
void validate_credentials(const Auth& auth, const std::string& auth_pointer,
                          const LoadOptions& options, Diagnostics& d);

}  // namespace gateway::detail
