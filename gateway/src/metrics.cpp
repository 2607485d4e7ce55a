// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/metrics.h"

#include <cinttypes>
#include <cstdio>
#include <functional>

namespace gateway {

namespace {

/** Writes metric families: HELP and TYPE once, then one sample per call of sample(). */
class Writer {
  public:
    void family(const char* name, const char* type, const char* help) {
        name_ = name;
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    /** A sample of the current family; `labels` as pairs of name and raw value. */
    void sample(const std::vector<std::pair<const char*, std::string>>& labels, uint64_t v) {
        out_ += name_;
        write_labels(labels);
        out_ += ' ';
        out_ += std::to_string(v);
        out_ += '\n';
    }
    void sample(const std::vector<std::pair<const char*, std::string>>& labels, int64_t v) {
        out_ += name_;
        write_labels(labels);
        out_ += ' ';
        out_ += std::to_string(v);
        out_ += '\n';
    }
    /** A per-tunnel family with one sample per tunnel. */
    void per_tunnel(const MetricsSnapshot& s, const char* name, const char* type, const char* help,
                    const std::function<uint64_t(const TunnelMetrics&)>& f) {
        family(name, type, help);
        for (const auto& t : s.tunnels) sample({{"tunnel", t.name}}, f(t));
    }
    std::string take() { return std::move(out_); }

  private:
    void write_labels(const std::vector<std::pair<const char*, std::string>>& labels) {
        if (labels.empty()) return;
        out_ += '{';
        for (size_t i = 0; i < labels.size(); ++i) {
            if (i) out_ += ',';
            out_ += labels[i].first;
            out_ += "=\"";
            out_ += escape_label_value(labels[i].second);
            out_ += '"';
        }
        out_ += '}';
    }

    std::string out_;
    const char* name_ = "";
};

}  // namespace

const std::vector<std::string>& establish_failure_causes() {
    static const std::vector<std::string> causes{"auth", "unreachable", "proposal", "ts", "other"};
    return causes;
}

std::string establish_failure_cause(bool auth_failed, std::string_view detail) {
    if (auth_failed) return "auth";
    if (detail.starts_with("peer unreachable") || detail.starts_with("peer dead"))
        return "unreachable";
    if (detail.find("proposal") != std::string_view::npos) return "proposal";
    if (detail.find("traffic selectors") != std::string_view::npos) return "ts";
    return "other";
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string format_prometheus(const MetricsSnapshot& s) {
    Writer w;
    w.family("vtigw_build_info", "gauge",
             "vtigw version and the strongSwan version it was built against (always 1).");
    w.sample({{"version", s.version}, {"strongswan_version", s.strongswan_version}}, uint64_t{1});
    w.family("vtigw_start_time_seconds", "gauge", "Unix time the daemon started.");
    w.sample({}, s.start_time);
    w.family("vtigw_config_last_reload_successful", "gauge",
             "Whether the last configuration reload succeeded (1 when none was attempted).");
    w.sample({}, uint64_t{s.last_reload_ok ? 1u : 0u});
    w.family("vtigw_config_last_reload_success_timestamp_seconds", "gauge",
             "Unix time of the last successful reload (the start when there was none).");
    w.sample({}, s.last_reload_success_time);
    w.family("vtigw_kernel_errors_total", "counter",
             "Kernel operations (netlink, nftables, sysctl) that failed, by operation.");
    for (const char* op : {"apply", "reconcile"}) {
        auto it = s.kernel_errors.find(op);
        w.sample({{"op", op}}, it == s.kernel_errors.end() ? uint64_t{0} : it->second);
    }

    w.per_tunnel(s, "vtigw_tunnel_up", "gauge",
                 "1 when the IKE_SA is established and a CHILD_SA installed, else 0; every "
                 "configured tunnel.",
                 [](const TunnelMetrics& t) { return t.up ? 1u : 0u; });
    w.per_tunnel(s, "vtigw_tunnel_ike_sas", "gauge",
                 "IKE_SAs of the tunnel (1 when up, more for a moment while rekeying).",
                 [](const TunnelMetrics& t) { return t.ike_sas; });
    w.per_tunnel(s, "vtigw_tunnel_child_sas", "gauge",
                 "CHILD_SAs of the tunnel (1 when up, more for a moment while rekeying).",
                 [](const TunnelMetrics& t) { return t.child_sas; });
    w.family("vtigw_tunnel_established_timestamp_seconds", "gauge",
             "Unix time the tunnel's IKE_SA was established (only while it is).");
    for (const auto& t : s.tunnels)
        if (t.established_timestamp > 0) w.sample({{"tunnel", t.name}}, t.established_timestamp);
    w.per_tunnel(s, "vtigw_tunnel_receive_bytes_total", "counter",
                 "Bytes received through the tunnel, over all its CHILD_SAs (survives rekeys).",
                 [](const TunnelMetrics& t) { return t.counters.receive_bytes; });
    w.per_tunnel(s, "vtigw_tunnel_transmit_bytes_total", "counter",
                 "Bytes sent through the tunnel, over all its CHILD_SAs (survives rekeys).",
                 [](const TunnelMetrics& t) { return t.counters.transmit_bytes; });
    w.per_tunnel(s, "vtigw_tunnel_receive_packets_total", "counter",
                 "Packets received through the tunnel, over all its CHILD_SAs.",
                 [](const TunnelMetrics& t) { return t.counters.receive_packets; });
    w.per_tunnel(s, "vtigw_tunnel_transmit_packets_total", "counter",
                 "Packets sent through the tunnel, over all its CHILD_SAs.",
                 [](const TunnelMetrics& t) { return t.counters.transmit_packets; });
    w.per_tunnel(s, "vtigw_tunnel_ike_rekeys_total", "counter", "Completed IKE_SA rekeys.",
                 [](const TunnelMetrics& t) { return t.counters.ike_rekeys; });
    w.per_tunnel(s, "vtigw_tunnel_child_rekeys_total", "counter", "Completed CHILD_SA rekeys.",
                 [](const TunnelMetrics& t) { return t.counters.child_rekeys; });
    w.per_tunnel(s, "vtigw_tunnel_transitions_total", "counter",
                 "Changes between up and down (flaps).",
                 [](const TunnelMetrics& t) { return t.counters.transitions; });
    w.per_tunnel(s, "vtigw_tunnel_establish_attempts_total", "counter",
                 "IKE negotiations started by vtigw, retries included.",
                 [](const TunnelMetrics& t) { return t.counters.establish_attempts; });
    w.family("vtigw_tunnel_establish_failures_total", "counter",
             "Failed establishments by cause (auth, unreachable, proposal, ts, other).");
    for (const auto& t : s.tunnels) {
        for (const auto& cause : establish_failure_causes()) {
            auto it = t.counters.establish_failures.find(cause);
            uint64_t v = it == t.counters.establish_failures.end() ? 0 : it->second;
            w.sample({{"tunnel", t.name}, {"cause", cause}}, v);
        }
    }
    w.per_tunnel(s, "vtigw_tunnel_peer_timeouts_total", "counter",
                 "Peers given up on: IKE retransmissions timed out or DPD found them dead.",
                 [](const TunnelMetrics& t) { return t.counters.peer_timeouts; });
    return w.take();
}

}  // namespace gateway
