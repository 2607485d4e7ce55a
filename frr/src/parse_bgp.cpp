// SPDX-License-Identifier: GPL-2.0-or-later
#include <nlohmann/json.hpp>

#include "frr/state.h"

namespace frr {
namespace {

using nlohmann::json;

void add_peers(const json& af, std::vector<BgpPeer>& out) {
    auto peers = af.find("peers");
    if (peers == af.end() || !peers->is_object()) return;
    for (const auto& [address, p] : peers->items()) {
        if (!p.is_object()) continue;
        BgpPeer* peer = nullptr;
        for (auto& existing : out)
            if (existing.address == address) peer = &existing;
        if (!peer) {
            out.push_back(BgpPeer{});
            peer = &out.back();
            peer->address = address;
        }
        peer->state = p.value("state", peer->state);
        peer->peer_state = p.value("peerState", peer->peer_state);
        peer->prefixes_received += p.value("pfxRcd", uint64_t{0});
        peer->prefixes_sent += p.value("pfxSnt", uint64_t{0});
        peer->connections_established = p.value("connectionsEstablished", uint64_t{0});
        peer->connections_dropped = p.value("connectionsDropped", uint64_t{0});
        if (peer->state == "Established" && p.contains("peerUptimeMsec"))
            peer->uptime_ms = p.value("peerUptimeMsec", int64_t{0});
    }
}

}  // namespace

std::optional<std::string> parse_bgp_summary(const std::string& text, std::vector<BgpPeer>& out) {
    out.clear();
    try {
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return "BGP summary is not a JSON object";
        if (j.contains("peers")) {
            add_peers(j, out);
        } else {
            for (const auto& [family, af] : j.items())
                if (af.is_object()) add_peers(af, out);
        }
    } catch (const nlohmann::json::exception& e) {
        return std::string("malformed JSON: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace frr
