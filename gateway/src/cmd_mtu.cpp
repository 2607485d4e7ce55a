// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>

#include "cli_output.h"
#include "gateway/cli.h"
#include "gateway/proposal.h"

namespace gateway::cli {

int run_mtu(const Args& args) {
    auto c = check_proposal(args.esp, ProposalKind::Esp);
    if (!c.errors.empty()) {
        for (const auto& e : c.errors)
            std::fprintf(stderr, "vtigw: --esp \"%s\": %s\n", args.esp.c_str(), e.c_str());
        return kUsage;
    }
    // Several transforms in one proposal: the tunnel must work with whichever is negotiated.
    std::optional<uint32_t> mtu;
    const EspTransform* worst = nullptr;
    for (const auto& t : c.transforms) {
        auto m = esp_inner_mtu(t, *args.underlay_mtu, args.natt, args.ipv6_outer);
        if (!m) {
            std::fprintf(stderr, "vtigw: underlay MTU %u is too small for %s\n", *args.underlay_mtu,
                         t.name.c_str());
            return 1;
        }
        if (!mtu || *m < *mtu) {
            mtu = m;
            worst = &t;
        }
    }
    if (args.json) {
        print_json({{"transform", worst->name},
                    {"underlay_mtu", *args.underlay_mtu},
                    {"natt", args.natt},
                    {"ipv6_outer", args.ipv6_outer},
                    {"iv", worst->iv_size},
                    {"block", worst->block_size},
                    {"icv", worst->icv_size},
                    {"mtu", *mtu},
                    {"outer_size_at_mtu", esp_outer_size(*worst, *mtu, args.natt, args.ipv6_outer)},
                    {"mss_ipv4", mss_for_mtu(*mtu, false)},
                    {"mss_ipv6", mss_for_mtu(*mtu, true)}});
    } else {
        std::printf("%u\n", *mtu);
    }
    return 0;
}

}  // namespace gateway::cli
