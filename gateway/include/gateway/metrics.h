// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Prometheus metrics of a running gateway: the data (one snapshot per scrape, built from the
// same state as `vtigw status`) and its text exposition format (version 0.0.4). Labels carry
// tunnel names and fixed words only: never SPIs, IKE ids, addresses of keys or secrets.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gateway {

/** Counters of one tunnel since the daemon started. Every value only grows. */
struct TunnelCounters {
    /** Traffic over every CHILD_SA the tunnel had (rekeyed and deleted ones included). */
    uint64_t receive_bytes = 0;
    uint64_t transmit_bytes = 0;
    uint64_t receive_packets = 0;
    uint64_t transmit_packets = 0;
    /** Completed IKE_SA and CHILD_SA rekeys. */
    uint64_t ike_rekeys = 0;
    uint64_t child_rekeys = 0;
    /** Changes between up and down (flaps). */
    uint64_t transitions = 0;
    /** IKE negotiations started by vtigw (retries included). */
    uint64_t establish_attempts = 0;
    /** Failed establishments by cause: "auth", "unreachable", "proposal", "ts", "other". */
    std::map<std::string, uint64_t> establish_failures;
    /** Peers given up on: retransmissions timed out or DPD found the peer dead. */
    uint64_t peer_timeouts = 0;
};

/** One configured tunnel at scrape time. */
struct TunnelMetrics {
    /** Tunnel name from the configuration. */
    std::string name;
    /** IKE_SA established and CHILD_SA installed. */
    bool up = false;
    /** IKE_SAs and CHILD_SAs (1 and 1 when up; more for a moment while rekeying). */
    uint32_t ike_sas = 0;
    uint32_t child_sas = 0;
    /** Unix time at which the IKE_SA shown was established; 0 when it is not. */
    int64_t established_timestamp = 0;
    TunnelCounters counters;
};

/** Everything one scrape shows. */
struct MetricsSnapshot {
    /** vtigw's version and the strongSwan version it was built against. */
    std::string version;
    std::string strongswan_version;
    /** Unix time the daemon started. */
    int64_t start_time = 0;
    /** Whether the last reload succeeded (true when there was none), and the Unix time of the
     *  last successful one (the start when there was none). */
    bool last_reload_ok = true;
    int64_t last_reload_success_time = 0;
    /** Failed kernel operations by operation ("apply", "reconcile"). */
    std::map<std::string, uint64_t> kernel_errors;
    /** Every configured tunnel, down ones too, in configuration order. */
    std::vector<TunnelMetrics> tunnels;
};

/** The establishment failure causes, each exported (0 until it happens). */
const std::vector<std::string>& establish_failure_causes();

/** The cause word of a failure report ("auth" for authentication failures, else by text). */
std::string establish_failure_cause(bool auth_failed, std::string_view detail);

/** A label value escaped for the text format (backslash, double quote, line feed). */
std::string escape_label_value(std::string_view value);

/** The snapshot in Prometheus text exposition format 0.0.4 (HELP and TYPE for each family). */
std::string format_prometheus(const MetricsSnapshot& snapshot);

/** Content-Type of format_prometheus() output. */
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace gateway
