// SPDX-License-Identifier: GPL-2.0-or-later
#include "status_table.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace gateway::cli {

namespace {

std::string hex32(uint32_t v) {
    char b[16];
    std::snprintf(b, sizeof(b), "%08x", v);
    return b;
}

}  // namespace

std::string human_bytes(uint64_t n) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(units)) {
        v /= 1024;
        u++;
    }
    char b[32];
    if (u == 0)
        std::snprintf(b, sizeof(b), "%" PRIu64 " B", n);
    else
        std::snprintf(b, sizeof(b), "%.1f %s", v, units[u]);
    return b;
}

std::string human_duration(int64_t seconds) {
    if (seconds < 0) return "-";
    char b[32];
    int64_t d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60;
    if (d > 0)
        std::snprintf(b, sizeof(b), "%" PRId64 "d%02" PRId64 "h", d, h);
    else if (h > 0)
        std::snprintf(b, sizeof(b), "%" PRId64 "h%02" PRId64 "m", h, m);
    else if (m > 0)
        std::snprintf(b, sizeof(b), "%" PRId64 "m%02" PRId64 "s", m, s);
    else
        std::snprintf(b, sizeof(b), "%" PRId64 "s", s);
    return b;
}

std::string tunnel_state(const control::TunnelStatus& t) {
    if (t.up) return "up";
    if (!t.ike_state.empty()) return "connecting";
    return "down";
}

std::string bgp_cell(const control::TunnelStatus& t) {
    if (!t.bgp) return "-";
    const auto& b = *t.bgp;
    std::string s = b.state;
    if (b.uptime_ms >= 0) s += " " + human_duration(b.uptime_ms / 1000);
    s += " " + std::to_string(b.prefixes_received) + "/" + std::to_string(b.prefixes_sent) + " pfx";
    if (!b.bfd.empty()) s += " bfd " + b.bfd;
    if (!b.link_up) s += " link down";
    if (b.peer_state != "" && b.peer_state != "OK") s += " (" + b.peer_state + ")";
    return s;
}

bool shows_nat(const control::TunnelStatus& t) {
    return t.nat_local || t.nat_remote || t.nat_fake || t.force_encap || t.udp_encap;
}

std::string nat_cell(const control::TunnelStatus& t) {
    if (t.ike_state.empty()) return "-";
    std::string s = t.nat_local && t.nat_remote ? "both"
                    : t.nat_local               ? "local"
                    : t.nat_remote              ? "remote"
                                                : "none";
    if (t.force_encap || t.nat_fake) s += " forced";
    if (t.udp_encap)
        s += " udp " + std::to_string(t.ike_local_port) + "/" + std::to_string(t.ike_remote_port);
    return s;
}

std::string frr_lines(const control::FrrStatus& f) {
    std::string out;
    if (!f.error.empty()) out += "frr: " + f.error + "\n";
    if (!f.running) out += "frr: not reachable\n";
    if (f.fib_checked && f.fib_mismatches.empty())
        out += "fib check: " + std::to_string(f.fib_prefixes) + " prefix(es), kernel matches FRR\n";
    for (const auto& m : f.fib_mismatches) out += "fib check: MISMATCH " + m + "\n";
    return out;
}

// A branch of a hub ("remote": "any") shows the address it connected from.
static std::string remote_cell(const control::TunnelStatus& t) {
    if (t.remote != "any" || t.ike_remote_address.empty()) return t.remote;
    return "any=" + t.ike_remote_address;
}

std::string format_status_table(const control::Reply& r) {
    using Row = std::vector<std::string>;
    const bool bgp = std::any_of(r.tunnels.begin(), r.tunnels.end(),
                                 [](const control::TunnelStatus& t) { return t.bgp.has_value(); });
    std::vector<Row> rows = {{"TUNNEL", "INTERFACE", "REMOTE", "STATE", "IKE", "CHILD",
                              "SPI IN/OUT", "IN", "OUT", "UPTIME", "LAST ERROR"}};
    if (bgp) rows[0].insert(rows[0].end() - 1, "BGP (state uptime rcvd/sent)");
    const bool nat = std::any_of(r.tunnels.begin(), r.tunnels.end(), shows_nat);
    if (nat) rows[0].insert(rows[0].end() - 1, "NAT (UDP LOCAL/REMOTE)");
    size_t up = 0;
    for (const auto& t : r.tunnels) {
        if (t.up) up++;
        auto traffic = [](uint64_t packets, uint64_t bytes) {
            return std::to_string(packets) + " pkt / " + human_bytes(bytes);
        };
        rows.push_back(
            {t.name, t.ifname, remote_cell(t), tunnel_state(t),
             t.ike_state.empty() ? "-" : t.ike_state, t.child_state.empty() ? "-" : t.child_state,
             t.spi_in || t.spi_out ? hex32(t.spi_in) + "/" + hex32(t.spi_out) : "-",
             traffic(t.packets_in, t.bytes_in), traffic(t.packets_out, t.bytes_out),
             human_duration(t.established_seconds), t.last_error.empty() ? "-" : t.last_error});
        if (bgp) rows.back().insert(rows.back().end() - 1, bgp_cell(t));
        if (nat) rows.back().insert(rows.back().end() - 1, nat_cell(t));
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); i++) width[i] = std::max(width[i], row[i].size());
    std::string out = "gateway " + r.gateway + ": " + std::to_string(r.tunnels.size()) +
                      " tunnel(s), " + std::to_string(up) + " up";
    if (bgp)
        out += ", " +
               std::to_string(std::count_if(
                   r.tunnels.begin(), r.tunnels.end(),
                   [](const control::TunnelStatus& t) { return t.bgp && t.bgp->healthy; })) +
               " BGP healthy";
    out += "\n";
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); i++) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    if (r.frr) out += frr_lines(*r.frr);
    for (const auto& p : r.refused)
        out += "refused: identity \"" + p.identity + "\" from " + p.address + " (" +
               std::to_string(p.count) + "x, no tunnel has this remote_id)\n";
    return out;
}

}  // namespace gateway::cli
