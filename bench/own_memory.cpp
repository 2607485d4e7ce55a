// SPDX-License-Identifier: GPL-2.0-or-later
// bench/own-memory: the bytes per tunnel that vtigw itself keeps while a daemon runs, by holder,
// without a kernel or charon (glibc's mallinfo2 before and after building each holder). The
// tunnels are shaped like bench/ike-scale's: XFRM interfaces, one outer address pair and one
// route each, PSK.
//
//   own-memory [--tunnels N]        (default 1000)
//
// Last line: own-memory: tunnels=N config_b= engine_b= owned_view_b= desired_b= total_b=
//   config_b      the loaded configuration (the daemon frees it once the engine holds its copy)
//   engine_b      the engine: its copy of the configuration and its state per tunnel
//   owned_view_b  the vti manager's record of what it applied (vti::OwnedView)
//   desired_b     a vti::DesiredState, built for each kernel apply and freed after it
//   total_b       what stays while the daemon runs: engine_b + owned_view_b
// charon's own memory per tunnel (its connection and IKE_SA objects) is bench/ike-scale's
// malloc_in_use minus total_b.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/desired.h"
#include "gateway/engine.h"
#include "gateway/ike_driver.h"
#include "gateway/loader.h"
#include "vti/owned_view.h"

namespace {

size_t in_use() {
    return mallinfo2().uordblks;
}

/** An IKE runtime with no SAs: the engine is only built, never run. */
struct NoIke : gateway::IkeDriver {
    bool set_tunnels(const gateway::Config&, std::string&) override { return true; }
    gateway::IkeResult initiate(const std::string&) override { return gateway::IkeResult::Ok; }
    gateway::IkeResult terminate(const std::string&, unsigned) override {
        return gateway::IkeResult::Ok;
    }
    gateway::IkeResult destroy(const std::string&) override { return gateway::IkeResult::Ok; }
    gateway::IkeResult query(const std::string&, gateway::IkeSaStatus&) override {
        return gateway::IkeResult::NotFound;
    }
    gateway::IkeResult query_all(std::map<std::string, gateway::IkeSaStatus>&) override {
        return gateway::IkeResult::Ok;
    }
    gateway::IkeResult next_event(gateway::IkeEvent&, unsigned) override {
        return gateway::IkeResult::Timeout;
    }
};

std::string outer(int k) {
    return std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
}

/** N tunnels as bench/ike-scale writes them for west. */
std::string config_text(int n) {
    std::string locals, tunnels;
    for (int k = 0; k < n; k++) {
        std::string sep = k ? "," : "";
        locals += sep + "\"198.18." + outer(k) + "\"";
        tunnels += sep + R"({"name": "t)" + std::to_string(k) + R"(", "local": "198.18.)" +
                   outer(k) + R"(", "remote": "198.19.)" + outer(k) +
                   R"(", "inside": {"local": "10.64.)" + std::to_string(k / 64) + "." +
                   std::to_string(4 * (k % 64) + 1) + R"(/30"}, "interface": "xfrm)" +
                   std::to_string(k) + R"(", "if_id": )" + std::to_string(100 + k) +
                   R"(, "routes": ["10.)" + std::to_string(128 + k / 250) + "." +
                   std::to_string(k % 250) + R"(.0/24"]})";
    }
    return R"({"gateway": {"name": "west", "local": [)" + locals +
           R"(]}, "defaults": {"kind": "xfrm", "esp_proposals": ["aes256gcm16-x25519"],
              "start_action": "initiate", "auth": {"psk_env": "BENCH_PSK"}}, "tunnels": [)" +
           tunnels + "]}";
}

}  // namespace

int main(int argc, char** argv) {
    int n = 1000;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--tunnels") == 0 && i + 1 < argc) {
            n = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "own-memory: usage: own-memory [--tunnels N]\n");
            return 2;
        }
    }
    if (n < 1) {
        std::fprintf(stderr, "own-memory: --tunnels: a positive count\n");
        return 2;
    }
    std::string text = config_text(n);
    gateway::LoadOptions options;
    options.getenv = [](const std::string&) {
        return std::optional<std::string>("0123456789abcdef0123456789abcdef");
    };
    size_t before = in_use();
    auto loaded = gateway::load_config_text(text, options);
    if (!loaded.config) {
        for (const auto& d : loaded.diagnostics.items())
            std::fprintf(stderr, "own-memory: %s\n", d.str().c_str());
        return 1;
    }
    loaded.diagnostics = {};
    size_t config = in_use() - before;

    before = in_use();
    NoIke ike;
    auto engine = std::make_unique<gateway::Engine>(*loaded.config, ike, [](const std::string&) {});
    size_t engine_bytes = in_use() - before;

    before = in_use();
    auto desired = std::make_unique<vti::DesiredState>(gateway::to_desired_state(*loaded.config));
    size_t desired_bytes = in_use() - before;

    before = in_use();
    auto view = std::make_unique<vti::OwnedView>();
    for (const auto& t : desired->tunnels) view->add(t, 10, 2);
    size_t view_bytes = in_use() - before;

    auto per = [n](size_t bytes) { return static_cast<unsigned long>(bytes / n); };
    std::printf(
        "own-memory: tunnels=%d config_b=%lu engine_b=%lu owned_view_b=%lu desired_b=%lu "
        "total_b=%lu\n",
        n, per(config), per(engine_bytes), per(view_bytes), per(desired_bytes),
        per(engine_bytes + view_bytes));
    return 0;
}
