// SPDX-License-Identifier: GPL-2.0-or-later
// Checks of tunnels with an outer address vtigw does not know in advance: the peer's
// (`"remote": "any"`, a hub's branches) or its own (`/gateway/local` "auto", a branch on DHCP).
#include <algorithm>
#include <map>

#include "loader_internal.h"

namespace gateway::detail {

namespace {

// Where a merged setting came from, or the tunnel's own key when it is a built-in default.
template <class T>
std::string origin(const Opt<T>& o, const TunnelExtras& x, const char* key) {
    return o.from.starts_with("/") ? o.from : x.pointer + "/" + key;
}

}  // namespace

void check_open_remote(Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw, Diagnostics& d) {
    const std::string why = "a tunnel with \"remote\": \"any\" ";
    if (t.kind != vti::LinkKind::Xfrm)
        d.error_text(origin(x.settings.kind, x, "kind"), "\"vti\"",
                     why + "needs kind \"xfrm\": a VTI is bound to one peer address");
    if (t.start_action != StartAction::Respond)
        d.error_text(origin(x.settings.start_action, x, "start_action"),
                     std::string("\"") + to_string(t.start_action) + "\"",
                     why + "needs start_action \"respond\": its peer's address is unknown");
    if (t.remote_id.empty())
        d.error_text(x.pointer, "",
                     why + "needs \"remote_id\": the branch is recognised by its IKE identity");
    // The hub cannot initiate to an unknown address: a dead branch's SAs are only cleared.
    if (t.dpd.action == Dpd::Action::Restart || t.dpd.action == Dpd::Action::Trap)
        t.dpd.action = Dpd::Action::Clear;
    if (gw.local.empty()) return;  // already reported for /gateway/local
    if (t.local.family == 0) {
        t.local = gw.local.front();
    } else if (std::find(gw.local.begin(), gw.local.end(), t.local) == gw.local.end()) {
        d.error(x.pointer + "/local", t.local.str(),
                "not one of the gateway's local addresses (/gateway/local)");
    }
}

void check_auto_local(const Tunnel& t, const TunnelExtras& x, Diagnostics& d) {
    const std::string why = "with /gateway/local \"auto\" a tunnel ";
    if (t.kind != vti::LinkKind::Xfrm)
        d.error_text(origin(x.settings.kind, x, "kind"), "\"vti\"",
                     why + "needs kind \"xfrm\": a VTI is bound to one local address");
    if (t.remote_any)
        d.error_text(x.pointer + "/remote", "\"any\"",
                     why + "needs the peer's address: one end must be known");
    if (t.local.family != 0)
        d.error(x.pointer + "/local", t.local.str(),
                "the gateway's address is \"auto\" (taken from /gateway/underlay)");
    if (t.local_id.empty())
        d.error_text(x.pointer, "",
                     why +
                         "needs \"local_id\" (in the tunnel or in \"defaults\"): its "
                         "address is no stable identity");
}

void check_open_remotes_across(const std::vector<Tunnel>& tunnels,
                               const std::vector<TunnelExtras>& extras, Diagnostics& d) {
    std::map<std::string, size_t> ids;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        const Tunnel& t = tunnels[i];
        if (!t.remote_any || t.remote_id.empty()) continue;
        if (auto [it, fresh] = ids.emplace(t.remote_id, i); !fresh)
            d.error(extras[i].pointer + "/remote_id", t.remote_id,
                    "remote_id already used by /tunnels/" +
                        std::to_string(tunnels[it->second].index) +
                        " (\"remote\": \"any\"): IKE could not tell the two branches apart");
    }
}

}  // namespace gateway::detail
