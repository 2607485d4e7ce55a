// SPDX-License-Identifier: GPL-2.0-or-later
#include <nlohmann/json.hpp>

#include "frr/state.h"

namespace frr {

std::optional<std::string> parse_bfd_peers(const std::string& text, std::vector<BfdPeer>& out) {
    out.clear();
    try {
        auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_discarded() || !j.is_array()) return "BFD peers are not a JSON array";
        for (const auto& p : j) {
            if (!p.is_object()) continue;
            out.push_back(BfdPeer{p.value("peer", ""), p.value("local", ""),
                                  p.value("interface", ""), p.value("status", ""),
                                  p.value("diagnostic", "")});
        }
    } catch (const nlohmann::json::exception& e) {
        return std::string("malformed JSON: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace frr
