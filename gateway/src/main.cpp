// vtigw: route-based IPsec site-to-site VPN gateway.
#include <cstdio>
#include <cstring>

#include "gateway/version.h"

int main(int argc, char** argv) {
    if (argc > 1 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
        std::printf("vtigw %s\n", gateway::version());
        return 0;
    }
    std::fprintf(stderr, "usage: vtigw {check|plan|up|down|status|version} [-c FILE]\n");
    return 2;
}
