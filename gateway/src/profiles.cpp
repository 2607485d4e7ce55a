// SPDX-License-Identifier: GPL-2.0-or-later
// Built-in defaults and provider profiles. Sources for the provider values:
//  - AWS Site-to-Site VPN tunnel options (VpnTunnelOptionsSpecification): DPD timeout ≥ 30 s,
//    phase 1 lifetime ≤ 28800 s, phase 2 ≤ 3600 s, rekey margin 270 s, rekey fuzz 100 %,
//    replay window 1024; the generic customer gateway config clamps TCP MSS to 1379.
//  - Azure VPN Gateway IPsec/IKE defaults: IKE SA 28800 s, IPsec SA 27000 s, DPD timeout 45 s;
//    Azure asks for MSS 1350 (and MTU 1400) on the on-premises device.
//  - Google Cloud VPN "MTU considerations": peer gateway MTU no greater than 1460; IKE SA
//    36000 s, CHILD SA 10800 s.
#include "settings.h"

namespace gateway::detail {

namespace {

using Strings = std::vector<std::string>;

Settings aws() {
    const std::string p = "profile aws";
    Settings s;
    s.ike_version.set(2, p);
    s.ike_proposals.set(Strings{"aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"}, p);
    s.esp_proposals.set(Strings{"aes256gcm16-ecp384", "aes256-sha256-modp2048"}, p);
    s.ike_lifetime.set(28800, p);
    s.esp_lifetime.set(3600, p);
    s.rekey_margin.set(270, p);
    s.rekey_fuzz.set(100, p);
    s.replay_window.set(1024, p);
    s.dpd_interval.set(10, p);
    s.dpd_timeout.set(30, p);
    s.dpd_action.set(Dpd::Action::Restart, p);
    s.start_action.set(StartAction::Initiate, p);
    s.mss.set(MssSetting{MssSetting::Mode::Fixed, 1379}, p);
    return s;
}

Settings azure() {
    const std::string p = "profile azure";
    Settings s;
    s.ike_version.set(2, p);
    s.ike_proposals.set(Strings{"aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"}, p);
    s.esp_proposals.set(Strings{"aes256gcm16", "aes256-sha256"}, p);
    s.ike_lifetime.set(28800, p);
    s.esp_lifetime.set(27000, p);
    s.dpd_interval.set(15, p);
    s.dpd_timeout.set(45, p);
    s.dpd_action.set(Dpd::Action::Restart, p);
    s.start_action.set(StartAction::Initiate, p);
    s.mtu.set(MtuSetting{false, 1400}, p);
    s.mss.set(MssSetting{MssSetting::Mode::Fixed, 1350}, p);
    return s;
}

Settings gcp() {
    const std::string p = "profile gcp";
    Settings s;
    s.ike_version.set(2, p);
    s.ike_proposals.set(Strings{"aes256gcm16-prfsha512-ecp384", "aes256gcm16-prfsha256-modp2048"},
                        p);
    s.esp_proposals.set(Strings{"aes256gcm16-ecp384", "aes256gcm16-modp2048"}, p);
    s.ike_lifetime.set(36000, p);
    s.esp_lifetime.set(10800, p);
    s.dpd_interval.set(20, p);
    s.dpd_timeout.set(60, p);
    s.dpd_action.set(Dpd::Action::Restart, p);
    s.start_action.set(StartAction::Initiate, p);
    // Google asks for a peer gateway MTU of at most 1460: the path the ESP packets take.
    s.underlay_mtu.set(1460, p);
    return s;
}

}  // namespace

Settings builtin_settings() {
    const std::string p = "built-in default";
    Settings s;
    s.kind.set(vti::LinkKind::Xfrm, p);
    s.ike_version.set(2, p);
    s.ike_proposals.set(Strings{"aes256gcm16-prfsha384-x25519-ecp384"}, p);
    s.esp_proposals.set(Strings{"aes256gcm16"}, p);
    s.ike_lifetime.set(14400, p);
    s.esp_lifetime.set(3600, p);
    s.rekey_margin.set(540, p);
    s.rekey_fuzz.set(100, p);
    s.replay_window.set(32, p);
    s.dpd_interval.set(30, p);
    s.dpd_timeout.set(150, p);
    s.dpd_action.set(Dpd::Action::Restart, p);
    s.start_action.set(StartAction::Initiate, p);
    s.nat_enabled.set(true, p);
    s.nat_force_encap.set(false, p);
    s.nat_keepalive.set(20, p);
    s.mtu.set(MtuSetting{true, 0}, p);
    s.mss.set(MssSetting{MssSetting::Mode::Auto, 0}, p);
    s.underlay_mtu.set(1500, p);
    s.metric.set(0, p);
    s.table.set(254, p);
    return s;
}

const std::vector<std::string_view>& profile_names() {
    static const std::vector<std::string_view> names = {"aws", "azure", "gcp"};
    return names;
}

std::optional<Settings> profile_settings(std::string_view name) {
    if (name == "aws") return aws();
    if (name == "azure") return azure();
    if (name == "gcp") return gcp();
    return std::nullopt;
}

}  // namespace gateway::detail
