// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Tunnel settings that layer: built-in defaults < profile < `defaults` block < tunnel profile <
// tunnel. Every value remembers where it came from so that later checks can name it.

#include <optional>
#include <string>
#include <vector>

#include "fields.h"
#include "gateway/config.h"

namespace gateway::detail {

/** An optional setting plus the JSON pointer (or "profile aws") it came from. */
template <class T>
struct Opt {
    std::optional<T> value;
    std::string from;

    /** Sets the value and its origin. */
    void set(T v, std::string origin) {
        value = std::move(v);
        from = std::move(origin);
    }
    /** Takes `o` when it is set. */
    void overlay(const Opt& o) {
        if (o.value) *this = o;
    }
};

/** The layered settings of a tunnel. */
struct Settings {
    Opt<std::string> profile;
    Opt<vti::LinkKind> kind;
    Opt<int> ike_version;
    Opt<std::vector<std::string>> ike_proposals;
    Opt<std::vector<std::string>> esp_proposals;
    Opt<uint32_t> ike_lifetime;
    Opt<uint32_t> esp_lifetime;
    Opt<uint32_t> rekey_margin;
    Opt<uint32_t> rekey_fuzz;
    Opt<uint32_t> replay_window;
    Opt<uint32_t> dpd_interval;
    Opt<uint32_t> dpd_timeout;
    Opt<Dpd::Action> dpd_action;
    Opt<StartAction> start_action;
    Opt<bool> nat_enabled;
    Opt<bool> nat_force_encap;
    Opt<uint32_t> nat_keepalive;
    Opt<MtuSetting> mtu;
    Opt<MssSetting> mss;
    Opt<uint32_t> underlay_mtu;
    Opt<Auth> auth;
    Opt<uint32_t> metric;
    Opt<uint32_t> table;
    Opt<std::string> local_id;

    /** Takes every field that `o` sets. */
    void overlay(const Settings& o);
};

/** Keys that may appear in `defaults` and in a tunnel. */
const std::vector<std::string_view>& settings_keys();

/** Reads the settings keys of `obj` (other keys are the caller's business). */
Settings read_settings(const ObjectReader& obj);

/** vtigw's built-in defaults (origin "built-in default"). */
Settings builtin_settings();

/** Names of the provider profiles. */
const std::vector<std::string_view>& profile_names();

/** The settings of a provider profile; nullopt for an unknown name. */
std::optional<Settings> profile_settings(std::string_view name);

}  // namespace gateway::detail
