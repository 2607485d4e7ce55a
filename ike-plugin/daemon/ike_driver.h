#pragma once
// What the daemon logic needs from IKE, as an interface: the charon implementation goes through
// vtigw_bridge.h; tests substitute a fake.

#include <string>
#include <vector>

#include "vtigw_bridge.h"

namespace vtigwd {

/** IKE operations; every call returns a vtigw_status code. */
class IkeDriver {
  public:
    virtual ~IkeDriver() = default;
    /** Replaces the served tunnels and credentials. */
    virtual int set_tunnels(const std::vector<vtigw_tunnel_t>& tunnels, std::string& error) = 0;
    /** Starts IKE for a tunnel without waiting. */
    virtual int initiate(const std::string& tunnel) = 0;
    /** Deletes the IKE_SAs of `tunnel` (all tunnels when empty), waiting up to timeout_ms. */
    virtual int terminate(const std::string& tunnel, unsigned timeout_ms) = 0;
    /** Current SAs of a tunnel. */
    virtual int query(const std::string& tunnel, vtigw_sa_status_t& status) = 0;
    /** Next event, waiting up to timeout_ms (VTIGW_ERR_TIMEOUT when none). */
    virtual int next_event(vtigw_event_t& event, unsigned timeout_ms) = 0;
};

}  // namespace vtigwd
