// SPDX-License-Identifier: GPL-2.0-or-later
// bench/datapath: per-packet cost of the first and the last of N route-based tunnels.
//
//   datapath --kind vti|xfrm --tunnels N [--packets K] [--rounds R]
//
// In a private network namespace (unshare) the VTI manager creates N tunnels of the kind with
// full state (interfaces, inside addresses, routes, the out/in/fwd catch-all policies keyed by
// mark or if_id, installed in tunnel order as a daemon would), and one outbound ESP SA per tunnel
// (static AES-GCM key, the tunnel's reqid and mark / if_id) is added with `ip -batch`. The outer
// addresses (one local, one remote per tunnel) sit on a dummy device, which drops what it is
// given: a UDP send through tunnel i is route lookup, SPD lookup(s), ESP encryption and the
// underlay transmit, all in the sending thread. The thread's CPU time per send is measured for
// tunnel 1, tunnel N and a plain (untunnelled) destination, R rounds of K sends each in turn;
// medians are printed. Every round checks that the dummy device saw the K packets, so a send that
// was dropped (no SA, no policy) cannot pass as cheap.
// Last line:
//   datapath: kind=K tunnels=N first_ns= last_ns= last_over_first= plain_ns= packets=K rounds=R
// Needs the real kernel (ip_vti, xfrm_interface, esp4): run it through bench/vm-datapath.sh.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "vti/manager.h"

using namespace vti;
using namespace bench;

namespace {

struct Options {
    LinkKind kind = LinkKind::Vti;
    int tunnels = 100;
    int packets = 2000;
    int rounds = 7;
};

[[noreturn]] void die(const std::string& what) {
    fprintf(stderr, "datapath: %s\n", what.c_str());
    exit(1);
}

std::string remote_of(int i) {
    return ip4(172, 16 + i / 250 / 250, i / 250 % 250, i % 250 + 1);
}
// A host behind tunnel i (its route is 10.x.y.0/24).
std::string inner_of(int i) {
    return ip4(10, i / 256, i % 256, 1);
}
uint32_t key_of(int i) {
    return 1000 + i;
}

DesiredState make_state(const Options& o) {
    DesiredState d;
    for (int i = 0; i < o.tunnels; ++i) {
        TunnelSpec t;
        t.name = "t" + std::to_string(i);
        t.ifname = (o.kind == LinkKind::Vti ? "vti" : "xfrm") + std::to_string(i);
        t.kind = o.kind;
        t.key = key_of(i);
        t.reqid = key_of(i);
        t.local = *IpAddress::parse("192.0.2.1");
        t.remote = *IpAddress::parse(remote_of(i));
        t.underlay = "ul0";
        t.mtu = 1400;
        t.addresses = {*Prefix::parse(ip4(169, 254, i * 4 / 256, i * 4 % 256 + 1) + "/30")};
        t.routes = {{*Prefix::parse(ip4(10, i / 256, i % 256, 0) + "/24"), 0, 254}};
        d.tunnels.push_back(t);
    }
    return d;
}


void ip_batch(const std::string& tag, const std::string& text) {
    std::string file = "/tmp/datapath-" + tag + "-" + std::to_string(getpid());
    std::ofstream(file) << text;
    int rc = run({"ip", "-batch", file});
    unlink(file.c_str());
    if (rc != 0) die("ip -batch (" + tag + ") failed");
}

// The underlay: a dummy device (no ARP, drops on transmit) holding the local outer address,
// with every remote outer address and the plain destination routed through it.
void underlay() {
    if (unshare(CLONE_NEWNET) != 0) die(std::string("unshare: ") + strerror(errno));
    // No IPv6 on the new links: no router solicitations or MLD reports on the underlay count.
    for (const char* f : {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
                          "/proc/sys/net/ipv6/conf/default/disable_ipv6"})
        std::ofstream(f) << "1\n";
    ip_batch("underlay",
             "link set lo up\n"
             "link add ul0 type dummy\n"
             "link set ul0 up\n"
             "addr add 192.0.2.1/24 dev ul0\n"
             "route add 172.16.0.0/12 dev ul0\n"
             "route add 198.51.100.0/24 dev ul0\n");
}

// One outbound ESP SA per tunnel, as the IKE daemon would install it.
void outbound_sas(const Options& o) {
    std::string text;
    for (int i = 0; i < o.tunnels; ++i) {
        char spi[16];
        snprintf(spi, sizeof spi, "0x%08x", 0x10000 + i);
        std::string sel = o.kind == LinkKind::Vti ? " mark " + std::to_string(key_of(i))
                                                  : " if_id " + std::to_string(key_of(i));
        text += "xfrm state add src 192.0.2.1 dst " + remote_of(i) + " proto esp spi " + spi +
                " reqid " + std::to_string(key_of(i)) + " mode tunnel" + sel +
                " aead rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128\n";
    }
    ip_batch("sas", text);
}

// From /proc/self/net/dev: /sys shows the namespace it was mounted in, not ours.
uint64_t tx_packets() {
    std::ifstream in("/proc/self/net/dev");
    for (std::string line; std::getline(in, line);) {
        auto colon = line.find(':');
        if (colon == std::string::npos || line.substr(0, colon).find("ul0") == std::string::npos)
            continue;
        std::istringstream fields(line.substr(colon + 1));
        uint64_t v = 0;
        for (int i = 0; i < 10; ++i) fields >> v;  // the 10th counter is transmitted packets
        return v;
    }
    die("no ul0 in /proc/self/net/dev");
}

double thread_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// K unconnected sends (each one routes and looks up the SPD) to `dst`; CPU ns per send.
double burst(int fd, const std::string& dst, int k) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    inet_pton(AF_INET, dst.c_str(), &to.sin_addr);
    char payload[64] = {};
    uint64_t before = tx_packets();
    double t0 = thread_ns();
    for (int i = 0; i < k; ++i)
        if (sendto(fd, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
            sizeof payload)
            die("sendto " + dst + ": " + strerror(errno));
    double ns = (thread_ns() - t0) / k;
    uint64_t seen = tx_packets() - before;
    // A stray control packet of the underlay may count too, a dropped ESP packet must not.
    if (seen < static_cast<uint64_t>(k) || seen > static_cast<uint64_t>(k) + 3) {
        run({"sh", "-c",
             "grep -v ' 0$' /proc/net/xfrm_stat; ip -s link show; ip route get " + dst +
                 "; ip xfrm policy | head -20; ip xfrm state | head -12"});
        die("to " + dst + ": " + std::to_string(k) + " sent, " + std::to_string(seen) +
            " left the underlay (packets dropped in the tunnel?)");
    }
    return ns;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool more = i + 1 < argc;
        if (a == "--kind" && more) {
            std::string k = argv[++i];
            if (k != "vti" && k != "xfrm") die("--kind is vti or xfrm");
            o.kind = k == "vti" ? LinkKind::Vti : LinkKind::Xfrm;
        } else if (a == "--tunnels" && more) {
            o.tunnels = atoi(argv[++i]);
        } else if (a == "--packets" && more) {
            o.packets = atoi(argv[++i]);
        } else if (a == "--rounds" && more) {
            o.rounds = atoi(argv[++i]);
        } else {
            die("usage: datapath --kind vti|xfrm --tunnels N [--packets K] [--rounds R]");
        }
    }
    if (geteuid() != 0) die("needs root (network namespaces)");
    if (o.tunnels < 2 || o.tunnels > 60000 || o.packets < 1 || o.rounds < 1) die("bad counts");
    const char* kind = o.kind == LinkKind::Vti ? "vti" : "xfrm";

    underlay();
    auto m = Manager::open({LinkMode::Manage, false});
    if (!m) die(m.message());
    Result r = m.value()->apply(make_state(o));
    if (!r.ok()) die(r.message());
    outbound_sas(o);

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) die(std::string("socket: ") + strerror(errno));
    const std::string first = inner_of(0), last = inner_of(o.tunnels - 1), plain = "198.51.100.9";
    burst(fd, first, o.packets);  // warm caches and the SAs
    burst(fd, last, o.packets);
    std::vector<double> f, l, p;
    for (int round = 0; round < o.rounds; ++round) {
        f.push_back(burst(fd, first, o.packets));
        l.push_back(burst(fd, last, o.packets));
        p.push_back(burst(fd, plain, o.packets));
    }
    close(fd);
    double fm = median(f), lm = median(l), pm = median(p);
    printf(
        "datapath: kind=%s tunnels=%d first_ns=%.0f last_ns=%.0f last_over_first=%.2f "
        "plain_ns=%.0f packets=%d rounds=%d\n",
        kind, o.tunnels, fm, lm, lm / fm, pm, o.packets, o.rounds);
    return 0;
}
