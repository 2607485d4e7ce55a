// SPDX-License-Identifier: GPL-2.0-or-later
#include "bridge_convert.h"

#include "gateway/loader.h"

namespace vtigwd {

PskReader default_psk_reader() {
    return [](const gateway::Tunnel& t, std::string& error) {
        return gateway::read_psk(t.auth.psk, error);
    };
}

std::string join_proposals(const std::vector<std::string>& proposals) {
    std::string out;
    for (const auto& p : proposals) {
        if (!out.empty()) out += ',';
        out += p;
    }
    return out;
}

namespace {

int start_action(gateway::StartAction a) {
    switch (a) {
        case gateway::StartAction::Initiate:
            return VTIGW_START_INITIATE;
        case gateway::StartAction::Respond:
            return VTIGW_START_RESPOND;
        case gateway::StartAction::OnDemand:
            return VTIGW_START_ON_DEMAND;
    }
    return VTIGW_START_RESPOND;
}

}  // namespace

std::unique_ptr<BridgeTunnels> BridgeTunnels::build(const gateway::Config& config,
                                                    const PskReader& read_psk, std::string& error) {
    std::unique_ptr<BridgeTunnels> out(new BridgeTunnels());
    for (const auto& t : config.tunnels) {
        if (t.name.empty() || t.name.size() >= VTIGW_NAME_MAX) {
            error = "tunnel '" + t.name + "': name must be 1.." +
                    std::to_string(VTIGW_NAME_MAX - 1) + " characters";
            return nullptr;
        }
        if (t.auth.ca.size() > VTIGW_CA_MAX) {
            error = "tunnel " + t.name + ": at most " + std::to_string(VTIGW_CA_MAX) +
                    " CA files are supported";
            return nullptr;
        }
        auto s = std::make_unique<Storage>();
        s->name = t.name;
        s->local = t.local.family ? t.local.str() : "%any";
        s->remote = t.remote_any ? "%any" : t.remote.str();
        s->local_id = t.local_id.empty() ? s->local : t.local_id;
        s->remote_id = t.remote_id.empty() ? s->remote : t.remote_id;
        s->ike_proposals = join_proposals(t.ike_proposals);
        s->esp_proposals = join_proposals(t.esp_proposals);

        vtigw_tunnel_t b{};
        if (t.auth.method == gateway::Auth::Method::Psk) {
            std::string why;
            auto psk = read_psk(t, why);
            if (!psk) {
                error = "tunnel " + t.name + ": pre-shared key " + why;
                return nullptr;
            }
            s->psk = std::move(*psk);
            b.auth = VTIGW_AUTH_PSK;
            b.psk = reinterpret_cast<const uint8_t*>(s->psk.reveal().data());
            b.psk_len = s->psk.reveal().size();
        } else {
            s->cert = t.auth.cert;
            s->key = t.auth.key;
            s->ca = t.auth.ca;
            b.auth = VTIGW_AUTH_X509;
            b.cert_file = s->cert.c_str();
            b.key_file = s->key.c_str();
            for (size_t i = 0; i < s->ca.size(); i++) b.ca_files[i] = s->ca[i].c_str();
        }
        b.name = s->name.c_str();
        b.local = s->local.c_str();
        b.remote = s->remote.c_str();
        b.local_id = s->local_id.c_str();
        b.remote_id = s->remote_id.c_str();
        b.ike_version = t.ike_version;
        b.ike_proposals = s->ike_proposals.c_str();
        b.esp_proposals = s->esp_proposals.c_str();
        b.ike_lifetime = t.ike_lifetime;
        b.esp_lifetime = t.esp_lifetime;
        b.rekey_margin = t.rekey_margin;
        b.rekey_fuzz = t.rekey_fuzz;
        b.replay_window = t.replay_window;
        b.dpd_interval = t.dpd.interval;
        b.dpd_timeout = t.dpd.timeout;
        // vtigw applies the action itself (gateway::Engine, with the per-tunnel timeout): when
        // charon gives up first it only clears, so a responder never starts a crossing IKE_SA.
        b.dpd_action = VTIGW_DPD_CLEAR;
        b.start_action = start_action(t.start_action);
        b.link_kind = t.kind == vti::LinkKind::Xfrm ? VTIGW_LINK_XFRM : VTIGW_LINK_VTI;
        b.key = t.key;
        b.reqid = t.reqid;
        b.force_encap = t.nat.force_encap ? 1 : 0;
        // An end whose address changes: MOBIKE moves the SAs when the peer supports it.
        b.mobike = t.mobike.value_or(t.remote_any || t.local.family == 0) ? 1 : 0;
        out->storage_.push_back(std::move(s));
        out->tunnels_.push_back(b);
    }
    return out;
}

}  // namespace vtigwd
