// SPDX-License-Identifier: GPL-2.0-or-later
#include "control_bgp.h"

namespace gateway::control {

namespace {

template <class T>
void get(const nlohmann::json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) out = it->get<T>();
}

}  // namespace

nlohmann::json to_json(const BgpStatus& b) {
    return {{"peer", b.peer},
            {"state", b.state},
            {"peer_state", b.peer_state},
            {"uptime_ms", b.uptime_ms},
            {"prefixes_received", b.prefixes_received},
            {"prefixes_sent", b.prefixes_sent},
            {"connections_dropped", b.connections_dropped},
            {"bfd", b.bfd},
            {"link_up", b.link_up},
            {"healthy", b.healthy}};
}

nlohmann::json to_json(const FrrStatus& f) {
    return {{"managed", f.managed},
            {"running", f.running},
            {"error", f.error},
            {"fib_check",
             {{"checked", f.fib_checked},
              {"consistent", f.fib_checked && f.fib_mismatches.empty()},
              {"prefixes", f.fib_prefixes},
              {"mismatches", f.fib_mismatches}}}};
}

BgpStatus bgp_from_json(const nlohmann::json& j) {
    BgpStatus b;
    get(j, "peer", b.peer);
    get(j, "state", b.state);
    get(j, "peer_state", b.peer_state);
    get(j, "uptime_ms", b.uptime_ms);
    get(j, "prefixes_received", b.prefixes_received);
    get(j, "prefixes_sent", b.prefixes_sent);
    get(j, "connections_dropped", b.connections_dropped);
    get(j, "bfd", b.bfd);
    get(j, "link_up", b.link_up);
    get(j, "healthy", b.healthy);
    return b;
}

FrrStatus frr_from_json(const nlohmann::json& j) {
    FrrStatus f;
    get(j, "managed", f.managed);
    get(j, "running", f.running);
    get(j, "error", f.error);
    if (auto it = j.find("fib_check"); it != j.end() && it->is_object()) {
        get(*it, "checked", f.fib_checked);
        get(*it, "prefixes", f.fib_prefixes);
        get(*it, "mismatches", f.fib_mismatches);
    }
    return f;
}

}  // namespace gateway::control
