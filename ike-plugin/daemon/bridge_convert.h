// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// gateway::Config -> the plain vtigw_tunnel_t structs the plugin takes (vtigw_bridge.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config.h"
#include "gateway/secret.h"
#include "vtigw_bridge.h"

namespace vtigwd {

/** Reads a tunnel's PSK; nullopt with `error` set (never containing the key) on failure. */
using PskReader =
    std::function<std::optional<gateway::Secret>(const gateway::Tunnel&, std::string& error)>;

/** The default reader: gateway::read_psk of the tunnel's source. */
PskReader default_psk_reader();

/** Bridge structs for every tunnel of a config, owning the strings and secrets they point to.
 *  Not copyable (the structs point into it); secrets are wiped when it is destroyed. */
class BridgeTunnels {
  public:
    /** Converts `config`; nullopt with `error` naming the tunnel when a PSK cannot be read or
     *  a value does not fit the bridge. */
    static std::unique_ptr<BridgeTunnels> build(const gateway::Config& config,
                                                const PskReader& read_psk, std::string& error);

    BridgeTunnels(const BridgeTunnels&) = delete;
    BridgeTunnels& operator=(const BridgeTunnels&) = delete;

    /** One struct per tunnel, in config order. */
    const std::vector<vtigw_tunnel_t>& tunnels() const { return tunnels_; }

  private:
    BridgeTunnels() = default;
    /** Strings one vtigw_tunnel_t points into; heap-allocated so addresses stay put. */
    struct Storage {
        std::string name, local, remote, local_id, remote_id, ike_proposals, esp_proposals;
        std::string cert, key;
        std::vector<std::string> ca;
        gateway::Secret psk;
    };
    std::vector<std::unique_ptr<Storage>> storage_;
    std::vector<vtigw_tunnel_t> tunnels_;
};

/** Comma-joins proposals for the bridge. */
std::string join_proposals(const std::vector<std::string>& proposals);

}  // namespace vtigwd
