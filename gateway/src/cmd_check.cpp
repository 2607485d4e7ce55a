// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>

#include "cli_output.h"
#include "gateway/cli.h"
#include "gateway/describe.h"
#include "gateway/loader.h"

namespace gateway::cli {

int run_check(const Args& args) {
    LoadResult r = load_config_file(args.config);
    if (args.json) {
        nlohmann::json out = {{"ok", r.ok()},
                              {"file", args.config},
                              {"diagnostics", diagnostics_json(r.diagnostics)}};
        if (r.config) {
            nlohmann::json tunnels = nlohmann::json::array();
            for (const auto& t : r.config->tunnels)
                tunnels.push_back({{"name", t.name},
                                   {"interface", t.ifname},
                                   {"kind", to_string(t.kind)},
                                   {"key", t.key},
                                   {"reqid", t.reqid},
                                   {"mtu", t.mtu},
                                   {"mss_ipv4", t.mss4},
                                   {"mss_ipv6", t.mss6}});
            for (size_t i = 0; i < r.config->tunnels.size(); ++i)
                if (const auto& b = r.config->tunnels[i].bgp)
                    tunnels[i]["bgp"] = bgp_session_json(*b);
            out["gateway"] = r.config->gateway.name;
            out["tunnels"] = tunnels;
            if (const auto& b = r.config->bgp) {
                nlohmann::json announce = nlohmann::json::array();
                for (const auto& p : b->announce) announce.push_back(p.str());
                out["bgp"] = {{"asn", b->asn},
                              {"router_id", b->router_id.str()},
                              {"announce", announce},
                              {"maximum_paths", b->maximum_paths}};
            }
        }
        print_json(out);
        return r.ok() ? 0 : 1;
    }
    print_diagnostics(args.config, r.diagnostics);
    if (!r.ok()) {
        std::fprintf(stderr, "%s: %zu error(s)\n", args.config.c_str(),
                     r.diagnostics.error_count());
        return 1;
    }
    const Config& c = *r.config;
    std::string names;
    for (const auto& t : c.tunnels) names += (names.empty() ? "" : ", ") + t.name;
    size_t warnings = r.diagnostics.items().size() - r.diagnostics.error_count();
    std::string bgp = bgp_summary(c);
    std::printf("%s: OK — gateway \"%s\", %zu tunnel(s) (%s)%s, %zu warning(s)\n",
                args.config.c_str(), c.gateway.name.c_str(), c.tunnels.size(), names.c_str(),
                bgp.empty() ? "" : (", " + bgp).c_str(), warnings);
    return 0;
}

}  // namespace gateway::cli
