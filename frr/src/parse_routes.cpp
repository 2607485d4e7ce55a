// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <nlohmann/json.hpp>

#include "frr/state.h"

namespace frr {
namespace {

using nlohmann::json;

std::string with_length(std::string dst, bool ipv6) {
    if (dst == "default") return ipv6 ? "::/0" : "0.0.0.0/0";
    if (dst.find('/') == std::string::npos) dst += ipv6 ? "/128" : "/32";
    return dst;
}

}  // namespace

std::optional<std::string> parse_rib(const std::string& text, std::vector<RibRoute>& out) {
    out.clear();
    try {
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return "route table is not a JSON object";
        for (const auto& [prefix, routes] : j.items()) {
            if (!routes.is_array()) continue;
            for (const auto& r : routes) {
                if (!r.is_object()) continue;
                RibRoute route;
                route.prefix = r.value("prefix", prefix);
                route.protocol = r.value("protocol", "");
                route.selected = r.value("selected", false);
                route.installed = r.value("installed", false);
                route.failed = r.value("failed", false);
                for (const auto& nh : r.value("nexthops", json::array())) {
                    if (!nh.is_object() || !nh.value("fib", false)) continue;
                    std::string gw = nh.value("ip", "");
                    route.fib_nexthops.push_back(Nexthop{gw, nh.value("interfaceName", "")});
                }
                std::sort(route.fib_nexthops.begin(), route.fib_nexthops.end());
                out.push_back(std::move(route));
            }
        }
    } catch (const nlohmann::json::exception& e) {
        return std::string("malformed JSON: ") + e.what();
    }
    return std::nullopt;
}

std::optional<std::string> parse_kernel_routes(const std::string& text, bool ipv6,
                                               std::vector<KernelRoute>& out) {
    out.clear();
    try {
        json j = json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_array()) return "kernel routes are not a JSON array";
        for (const auto& r : j) {
            if (!r.is_object() || !r.contains("dst")) continue;
            KernelRoute route;
            route.prefix = with_length(r.value("dst", ""), ipv6);
            route.protocol = r.contains("protocol") && r["protocol"].is_string()
                                 ? r["protocol"].get<std::string>()
                                 : (r.contains("protocol") ? r["protocol"].dump() : "boot");
            route.metric = r.value("metric", uint32_t{0});
            if (r.contains("nexthops") && r["nexthops"].is_array()) {
                for (const auto& nh : r["nexthops"])
                    if (nh.is_object())
                        route.nexthops.push_back(
                            Nexthop{nh.value("gateway", ""), nh.value("dev", "")});
            } else if (r.contains("dev")) {
                route.nexthops.push_back(Nexthop{r.value("gateway", ""), r.value("dev", "")});
            }
            std::sort(route.nexthops.begin(), route.nexthops.end());
            out.push_back(std::move(route));
        }
    } catch (const nlohmann::json::exception& e) {
        return std::string("malformed JSON: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace frr
