// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What a reload does to each tunnel: the running configuration compared with a new one, field by
// field. Only settings IKE negotiated with re-establish a tunnel's SAs; interface, address, route,
// MTU and MSS changes are kernel-only and keep them.

#include <string>
#include <vector>

#include "gateway/config.h"

namespace gateway {

/** The reload action of one tunnel. */
struct TunnelReload {
    enum class Action {
        /** Nothing changed: SAs and kernel objects stay as they are. */
        Keep,
        /** Only kernel-side settings changed: objects are updated, the SAs stay. */
        Update,
        /** IKE settings changed: the tunnel's SAs are deleted and negotiated anew. */
        Reestablish,
        /** New tunnel: its kernel objects are created and it comes up. */
        Add,
        /** Gone from the file: its SAs are deleted and its kernel objects removed. */
        Remove,
    };
    /** Tunnel name. */
    std::string tunnel;
    /** What happens to it. */
    Action action = Action::Keep;
    /** The configuration fields that differ (JSON names, e.g. "esp_proposals", "routes"). */
    std::vector<std::string> changed;
};

/**
 * One entry per tunnel of `running` and `next`: running tunnels in their order (kept, updated,
 * re-established or removed), then added ones in the order of `next`.
 */
std::vector<TunnelReload> compare_configs(const Config& running, const Config& next);

/** "keep", "update", "re-establish", "add" or "remove". */
const char* to_string(TunnelReload::Action a);

/** One line per entry, e.g. "re-establish aws-1 (changed: esp_proposals)". */
std::string describe(const TunnelReload& r);

}  // namespace gateway
