// vtigwctl: sends one control request to vtigwd and prints the reply line (JSON). A stand-in for
// `vtigw status/down/reset` until the CLI grows them; uses the same client helpers.
//
//   vtigwctl [--control PATH] status | down | reset TUNNEL
//
// Exit status: 0 when the daemon answered ok, 1 when it answered an error, 2 on usage errors,
// 3 when the daemon could not be reached.

#include <cstdio>
#include <string>

#include "gateway/control.h"

int main(int argc, char** argv) {
    std::string path = gateway::control::kDefaultSocketPath;
    gateway::control::Request req;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--control" && i + 1 < argc) {
            path = argv[++i];
        } else if (req.cmd.empty()) {
            req.cmd = a;
        } else if (req.cmd == "reset" && req.tunnel.empty()) {
            req.tunnel = a;
        } else {
            std::fprintf(stderr, "usage: vtigwctl [--control PATH] status|down|reset TUNNEL\n");
            return 2;
        }
    }
    if (req.cmd != "status" && req.cmd != "down" && !(req.cmd == "reset" && !req.tunnel.empty())) {
        std::fprintf(stderr, "usage: vtigwctl [--control PATH] status|down|reset TUNNEL\n");
        return 2;
    }
    auto reply = gateway::control::call(path, req);
    std::printf("%s\n", gateway::control::encode(reply).c_str());
    if (reply.ok) return 0;
    return reply.gateway.empty() && reply.tunnels.empty() &&
                   (reply.error.rfind("connect ", 0) == 0 || reply.error.rfind("socket", 0) == 0)
               ? 3
               : 1;
}
