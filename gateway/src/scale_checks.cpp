// SPDX-License-Identifier: GPL-2.0-or-later
// Checks of the configuration as a whole that concern its size rather than its correctness.
#include <string>

#include "loader_internal.h"

namespace gateway::detail {

void warn_many_vtis(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                    Diagnostics& d) {
    size_t vtis = 0;
    std::string origin;  // the one place every VTI's kind comes from, if there is one
    bool one_origin = true;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        if (tunnels[i].kind != vti::LinkKind::Vti) continue;
        const std::string& from = extras[i].settings.kind.from;
        if (vtis++ == 0)
            origin = from;
        else if (from != origin)
            one_origin = false;
    }
    if (vtis <= kManyVtis) return;
    // A kind from a JSON pointer is named there; the built-in default or a profile is not a
    // place the user can edit, so the tunnel list is.
    std::string pointer = one_origin && !origin.empty() && origin[0] == '/' ? origin : "/tunnels";
    d.warning_text(
        pointer, std::to_string(vtis) + " tunnels of kind \"vti\"",
        "every packet through a VTI, and every packet outside the tunnels, makes the kernel "
        "walk all VTI policies (they differ only by mark); measured on Linux 6.1 "
        "(bench/vm-datapath.sh) with 1,000 VTIs: 3 to 5 times the CPU per tunnel "
        "packet of an XFRM interface and 8 times per plain packet, while XFRM "
        "interfaces stay flat; "
        "use \"kind\": \"xfrm\" unless a peer or tool needs VTIs");
}

}  // namespace gateway::detail
