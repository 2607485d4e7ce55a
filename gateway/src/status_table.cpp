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

std::string format_status_table(const control::Reply& r) {
    using Row = std::vector<std::string>;
    std::vector<Row> rows = {{"TUNNEL", "INTERFACE", "REMOTE", "STATE", "IKE", "CHILD",
                              "SPI IN/OUT", "IN", "OUT", "UPTIME", "LAST ERROR"}};
    size_t up = 0;
    for (const auto& t : r.tunnels) {
        if (t.up) up++;
        auto traffic = [](uint64_t packets, uint64_t bytes) {
            return std::to_string(packets) + " pkt / " + human_bytes(bytes);
        };
        rows.push_back(
            {t.name, t.ifname, t.remote, tunnel_state(t), t.ike_state.empty() ? "-" : t.ike_state,
             t.child_state.empty() ? "-" : t.child_state,
             t.spi_in || t.spi_out ? hex32(t.spi_in) + "/" + hex32(t.spi_out) : "-",
             traffic(t.packets_in, t.bytes_in), traffic(t.packets_out, t.bytes_out),
             human_duration(t.established_seconds), t.last_error.empty() ? "-" : t.last_error});
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); i++) width[i] = std::max(width[i], row[i].size());
    std::string out = "gateway " + r.gateway + ": " + std::to_string(r.tunnels.size()) +
                      " tunnel(s), " + std::to_string(up) + " up\n";
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); i++) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace gateway::cli
