// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// gateway::IkeDriver over the in-process charon (vtigw_bridge.h); only the daemon links charon.

#include <string>
#include <vector>

#include "gateway/ike_driver.h"
#include "vtigw_bridge.h"

namespace vtigwd {

/** The in-process charon through the bridge (vtigw_ike_init must have succeeded). */
class CharonDriver : public gateway::IkeDriver {
  public:
    /** Reads the PSKs and replaces the served tunnels and credentials (all or nothing). */
    bool set_tunnels(const gateway::Config& config, std::string& error) override;

    gateway::IkeResult initiate(const std::string& tunnel) override;
    gateway::IkeResult terminate(const std::string& tunnel, unsigned timeout_ms) override;
    gateway::IkeResult destroy(const std::string& tunnel) override;
    gateway::IkeResult query(const std::string& tunnel, gateway::IkeSaStatus& status) override;
    gateway::IkeResult query_all(std::map<std::string, gateway::IkeSaStatus>& statuses) override;
    gateway::IkeResult next_event(gateway::IkeEvent& event, unsigned timeout_ms) override;
};

}  // namespace vtigwd
