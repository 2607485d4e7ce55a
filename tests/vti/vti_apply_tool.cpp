// SPDX-License-Identifier: GPL-2.0-or-later
// Test driver for VM scenarios and manual runs: reconciles the kernel to a desired state read
// from a JSON file.
//
//   vti_apply_tool [OPTIONS] plan FILE    print the changes (their ip/nft commands), then changes=N
//   vti_apply_tool [OPTIONS] apply FILE   apply them, then print applied changes=N round_trips=M
//                                         chosen_ifindexes=K ifindex_fallback=yes|no
//   vti_apply_tool [OPTIONS] flush        remove everything vtigw owns
//
// OPTIONS: --adopt (LinkMode::Adopt); --first-ifindex N (ManagerOptions::first_ifindex: where the
// ifindexes of created links start, to test a taken one).
//
// FILE: {"tunnels": [{"name": "aws1", "ifname": "vti-aws1", "kind": "vti" | "xfrm",
//   "key": 100, "reqid": 100, "local": "192.0.2.1", "remote": "198.51.100.1",
//   "underlay": "eth0", "mtu": 1400, "addresses": ["169.254.10.1/30"],
//   "routes": [{"dst": "10.1.0.0/16", "metric": 0, "table": 254}],
//   "mss": "off" | "rtmtu" | {"ipv4": 1360, "ipv6": 1340}}]}
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "vti/manager.h"

using namespace vti;
using json = nlohmann::json;

namespace {

IpAddress addr(const json& j, const std::string& what) {
    auto a = IpAddress::parse(j.get<std::string>());
    if (!a) throw std::runtime_error(what + ": not an address: " + j.dump());
    return *a;
}

Prefix prefix(const json& j, const std::string& what) {
    auto p = Prefix::parse(j.get<std::string>());
    if (!p) throw std::runtime_error(what + ": not a prefix: " + j.dump());
    return *p;
}

DesiredState load(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    json doc = json::parse(in);
    DesiredState d;
    for (const auto& j : doc.at("tunnels")) {
        TunnelSpec t;
        t.name = j.at("name").get<std::string>();
        t.ifname = j.at("ifname").get<std::string>();
        std::string kind = j.value("kind", "vti");
        if (kind != "vti" && kind != "xfrm")
            throw std::runtime_error(t.name + ": kind must be vti or xfrm");
        t.kind = kind == "vti" ? LinkKind::Vti : LinkKind::Xfrm;
        t.key = j.at("key").get<uint32_t>();
        t.reqid = j.value("reqid", t.key);
        t.local = addr(j.at("local"), t.name);
        t.remote = addr(j.at("remote"), t.name);
        t.underlay = j.value("underlay", "");
        t.mtu = j.value("mtu", 1400u);
        for (const auto& a : j.value("addresses", json::array()))
            t.addresses.push_back(prefix(a, t.name));
        for (const auto& r : j.value("routes", json::array()))
            t.routes.push_back(
                {prefix(r.at("dst"), t.name), r.value("metric", 0u), r.value("table", 254u)});
        json mss = j.value("mss", json("off"));
        if (mss.is_object())
            t.mss = {MssSpec::Mode::Fixed, mss.value<uint16_t>("ipv4", 0),
                     mss.value<uint16_t>("ipv6", 0)};
        else if (mss == "rtmtu")
            t.mss.mode = MssSpec::Mode::RouteMtu;
        else if (mss != "off")
            throw std::runtime_error(t.name + ": mss must be off, rtmtu or an object");
        d.tunnels.push_back(std::move(t));
    }
    return d;
}

int usage() {
    std::cerr << "usage: vti_apply_tool [--adopt] [--first-ifindex N] plan FILE | apply FILE | "
                 "flush\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    ManagerOptions opt;
    int i = 1;
    for (; i < argc && std::string(argv[i]).rfind("--", 0) == 0; ++i) {
        std::string o = argv[i];
        if (o == "--adopt") {
            opt.link_mode = LinkMode::Adopt;
        } else if (o == "--first-ifindex" && i + 1 < argc) {
            opt.first_ifindex = std::atoi(argv[++i]);
            if (opt.first_ifindex <= 0) return usage();
        } else {
            return usage();
        }
    }
    if (i >= argc) return usage();
    std::string cmd = argv[i++];
    DesiredState d;
    try {
        if (cmd == "plan" || cmd == "apply") {
            if (i >= argc) return usage();
            d = load(argv[i]);
        } else if (cmd != "flush") {
            return usage();
        }
    } catch (const std::exception& e) {
        std::cerr << "vti_apply_tool: " << e.what() << "\n";
        return 2;
    }
    auto mgr = Manager::open(opt);
    if (!mgr) {
        std::cerr << "vti_apply_tool: " << mgr.message() << "\n";
        return 1;
    }
    auto plan = (*mgr)->plan(d);
    if (!plan) {
        std::cerr << "vti_apply_tool: " << plan.message() << "\n";
        return 1;
    }
    for (const auto& c : *plan) std::cout << "# " << c.str() << "\n" << c.command << "\n";
    if (cmd == "plan") {
        std::cout << "changes=" << plan->size() << "\n";
        return 0;
    }
    ApplyStats st;
    Result r = (*mgr)->apply(d, &st);
    if (!r.ok()) {
        std::cerr << "vti_apply_tool: " << r.message() << "\n";
        return 1;
    }
    std::cout << "applied changes=" << st.changes << " round_trips=" << st.round_trips
              << " chosen_ifindexes=" << st.chosen_ifindexes
              << " ifindex_fallback=" << (st.ifindex_fallback ? "yes" : "no") << "\n";
    return 0;
}
