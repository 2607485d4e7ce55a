// SPDX-License-Identifier: GPL-2.0-or-later
#include "charon_driver.h"

#include "bridge_convert.h"
#include "gateway/nat.h"

namespace vtigwd {

namespace {

gateway::IkeResult result(int status) {
    switch (status) {
        case VTIGW_OK:
            return gateway::IkeResult::Ok;
        case VTIGW_ERR_NOT_FOUND:
            return gateway::IkeResult::NotFound;
        case VTIGW_ERR_TIMEOUT:
            return gateway::IkeResult::Timeout;
        default:
            return gateway::IkeResult::Failed;
    }
}

gateway::IkeEventType event_type(int type) {
    switch (type) {
        case VTIGW_EV_IKE_UP:
            return gateway::IkeEventType::IkeUp;
        case VTIGW_EV_IKE_DOWN:
            return gateway::IkeEventType::IkeDown;
        case VTIGW_EV_IKE_REKEY:
            return gateway::IkeEventType::IkeRekey;
        case VTIGW_EV_CHILD_UP:
            return gateway::IkeEventType::ChildUp;
        case VTIGW_EV_CHILD_DOWN:
            return gateway::IkeEventType::ChildDown;
        case VTIGW_EV_CHILD_REKEY:
            return gateway::IkeEventType::ChildRekey;
        case VTIGW_EV_AUTH_FAILED:
            return gateway::IkeEventType::AuthFailed;
        case VTIGW_EV_REFUSED:
            return gateway::IkeEventType::Refused;
        default:
            return gateway::IkeEventType::Error;
    }
}

/** The bridge's status as the engine's. */
gateway::IkeSaStatus to_status(const vtigw_sa_status_t& st) {
    gateway::IkeSaStatus status;
    status.ike_state = st.ike_state;
    status.child_state = st.child_state;
    status.spi_in = st.spi_in;
    status.spi_out = st.spi_out;
    status.bytes_in = st.bytes_in;
    status.bytes_out = st.bytes_out;
    status.packets_in = st.packets_in;
    status.packets_out = st.packets_out;
    status.established_seconds = st.established_seconds;
    status.ike_sas = st.ike_sas;
    status.child_sas = st.child_sas;
    status.ike_unique_id = st.ike_unique_id;
    status.idle_in_seconds = st.ike_unique_id ? st.idle_in_seconds : -1;
    status.ike_spi_i = st.ike_spi_i;
    status.ike_spi_r = st.ike_spi_r;
    status.total_bytes_in = st.total_bytes_in;
    status.total_bytes_out = st.total_bytes_out;
    status.total_packets_in = st.total_packets_in;
    status.total_packets_out = st.total_packets_out;
    status.nat_local = st.nat_local != 0;
    status.nat_remote = st.nat_remote != 0;
    status.nat_fake = st.nat_fake != 0;
    status.udp_encap = st.udp_encap != 0;
    status.local_address = st.local_address;
    status.local_port = st.local_port;
    status.remote_address = st.remote_address;
    status.remote_port = st.remote_port;
    return status;
}

/** query_all's callback: `ctx` is the map the status goes into. */
void add_status(const char* tunnel, const vtigw_sa_status_t* st, void* ctx) {
    (*static_cast<std::map<std::string, gateway::IkeSaStatus>*>(ctx))[tunnel] = to_status(*st);
}

}  // namespace

bool CharonDriver::set_tunnels(const gateway::Config& config, std::string& error) {
    auto bridge = BridgeTunnels::build(config, default_psk_reader(), error);
    if (!bridge) return false;
    const auto& tunnels = bridge->tunnels();
    char buf[256] = "";
    if (vtigw_ike_set_tunnels(tunnels.data(), tunnels.size(), buf, sizeof(buf)) == VTIGW_OK) {
        vtigw_ike_set_nat_keepalive(gateway::nat_keepalive_seconds(config));
        return true;
    }
    error = buf;
    return false;
}

gateway::IkeResult CharonDriver::initiate(const std::string& tunnel) {
    return result(vtigw_ike_initiate(tunnel.c_str()));
}

gateway::IkeResult CharonDriver::terminate(const std::string& tunnel, unsigned timeout_ms) {
    return result(vtigw_ike_terminate(tunnel.empty() ? nullptr : tunnel.c_str(), timeout_ms, 0));
}

gateway::IkeResult CharonDriver::destroy(const std::string& tunnel) {
    return result(vtigw_ike_terminate(tunnel.c_str(), 0, 1));
}

gateway::IkeResult CharonDriver::query(const std::string& tunnel, gateway::IkeSaStatus& status) {
    vtigw_sa_status_t st{};
    int rc = vtigw_ike_query(tunnel.c_str(), &st);
    if (rc != VTIGW_OK) return result(rc);
    status = to_status(st);
    return gateway::IkeResult::Ok;
}

gateway::IkeResult CharonDriver::query_all(std::map<std::string, gateway::IkeSaStatus>& statuses) {
    statuses.clear();
    return result(vtigw_ike_query_all(add_status, &statuses));
}

gateway::IkeResult CharonDriver::next_event(gateway::IkeEvent& event, unsigned timeout_ms) {
    vtigw_event_t ev{};
    int rc = vtigw_ike_next_event(&ev, timeout_ms);
    if (rc != VTIGW_OK) return result(rc);
    event = gateway::IkeEvent{};
    event.type = event_type(ev.type);
    event.tunnel = ev.tunnel;
    event.ike_unique_id = ev.ike_unique_id;
    event.ike_spi_i = ev.ike_spi_i;
    event.ike_spi_r = ev.ike_spi_r;
    event.spi_in = ev.spi_in;
    event.spi_out = ev.spi_out;
    event.detail = ev.detail;
    event.remote_address = ev.remote_address;
    event.time = ev.time;
    return gateway::IkeResult::Ok;
}

}  // namespace vtigwd
