// SPDX-License-Identifier: GPL-2.0-or-later
// Prints the FRR configuration vtigw renders for a gateway file (passwords included): the
// netns round-trip test (frr-roundtrip.sh) loads it into a real FRR.
//   frr_render_tool CONFIG.json
#include <cstdio>

#include "frr/render.h"
#include "gateway/frr_desired.h"
#include "gateway/loader.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: frr_render_tool CONFIG.json\n");
        return 2;
    }
    auto r = gateway::load_config_file(argv[1]);
    if (!r.ok()) {
        for (const auto& d : r.diagnostics.items()) std::fprintf(stderr, "%s\n", d.str().c_str());
        return 1;
    }
    std::string error;
    auto c = gateway::to_frr_config(*r.config, gateway::default_password_reader(),
                                    gateway::machine_hostname(), error);
    if (!c) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    if (auto why = frr::invalid_reason(*c); !why.empty()) {
        std::fprintf(stderr, "invalid FRR model: %s\n", why.c_str());
        return 1;
    }
    std::fputs(frr::render(*c).c_str(), stdout);
    return 0;
}
