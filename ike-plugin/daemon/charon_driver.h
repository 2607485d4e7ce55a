#pragma once
// IkeDriver over the in-process charon (vtigw_bridge.h); only vtigwd's main links charon.

#include <string>
#include <vector>

#include "ike_driver.h"
#include "vtigw_bridge.h"

namespace vtigwd {

/** The in-process charon through the bridge (vtigw_ike_init must have succeeded). */
class CharonDriver : public IkeDriver {
  public:
    int set_tunnels(const std::vector<vtigw_tunnel_t>& tunnels, std::string& error) override {
        char buf[256] = "";
        int rc = vtigw_ike_set_tunnels(tunnels.data(), tunnels.size(), buf, sizeof(buf));
        if (rc != VTIGW_OK) error = buf;
        return rc;
    }
    int initiate(const std::string& tunnel) override { return vtigw_ike_initiate(tunnel.c_str()); }
    int terminate(const std::string& tunnel, unsigned timeout_ms) override {
        return vtigw_ike_terminate(tunnel.empty() ? nullptr : tunnel.c_str(), timeout_ms);
    }
    int query(const std::string& tunnel, vtigw_sa_status_t& status) override {
        return vtigw_ike_query(tunnel.c_str(), &status);
    }
    int next_event(vtigw_event_t& event, unsigned timeout_ms) override {
        return vtigw_ike_next_event(&event, timeout_ms);
    }
};

}  // namespace vtigwd
