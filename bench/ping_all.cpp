// SPDX-License-Identifier: GPL-2.0-or-later
// bench/ping-all: how long until every address in a list has answered one ICMP echo.
//
//   ping-all [--timeout S] [--interval S] FILE
//
// FILE holds one IPv4 address a line (the far inside address of each tunnel). One raw socket
// sends an echo request to every address that has not answered yet, every --interval seconds
// (default 0.5), until all have answered or --timeout (default 600) passes; a thousand tunnels
// cost one process, not a thousand pings. Prints
//   ping-all: answered=K of=N seconds=T
// (T: from start to the last first answer, or to the timeout) and exits 0 only when K = N.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

uint16_t checksum(const void* data, size_t len) {
    const auto* p = static_cast<const uint8_t*>(data);
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (len & 1) sum += p[len - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons(static_cast<uint16_t>(~sum));
}

void send_echo(int fd, in_addr to, uint16_t id, uint16_t seq) {
    icmphdr h{};
    h.type = ICMP_ECHO;
    h.un.echo.id = htons(id);
    h.un.echo.sequence = htons(seq);
    h.checksum = checksum(&h, sizeof h);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr = to;
    // A tunnel not up yet has no route or drops the packet: not an error here.
    sendto(fd, &h, sizeof h, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    double timeout = 600, interval = 0.5;
    std::string file;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--timeout" && i + 1 < argc)
            timeout = atof(argv[++i]);
        else if (a == "--interval" && i + 1 < argc)
            interval = atof(argv[++i]);
        else if (file.empty() && a[0] != '-')
            file = a;
        else {
            fprintf(stderr, "usage: ping-all [--timeout S] [--interval S] FILE\n");
            return 2;
        }
    }
    std::vector<in_addr> targets;
    std::unordered_map<uint32_t, size_t> index;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        in_addr a{};
        if (line.empty()) continue;
        if (inet_pton(AF_INET, line.c_str(), &a) != 1) {
            fprintf(stderr, "ping-all: not an IPv4 address: %s\n", line.c_str());
            return 2;
        }
        index[a.s_addr] = targets.size();
        targets.push_back(a);
    }
    if (targets.empty()) {
        fprintf(stderr, "ping-all: no addresses in %s\n", file.c_str());
        return 2;
    }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0) {
        perror("ping-all: raw socket");
        return 2;
    }
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    const uint16_t id = static_cast<uint16_t>(getpid());
    std::vector<bool> answered(targets.size());
    size_t count = 0;
    double last = 0;
    auto t0 = Clock::now();
    auto next_round = t0;
    while (count < targets.size() && seconds_since(t0) < timeout) {
        if (Clock::now() >= next_round) {
            for (size_t i = 0; i < targets.size(); ++i)
                if (!answered[i]) send_echo(fd, targets[i], id, static_cast<uint16_t>(i));
            next_round = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(interval));
        }
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        char pkt[1500];
        sockaddr_in from{};
        socklen_t fl = sizeof from;
        while (true) {
            ssize_t n = recvfrom(fd, pkt, sizeof pkt, MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from), &fl);
            if (n <= 0) break;
            auto* ip = reinterpret_cast<iphdr*>(pkt);
            size_t hl = ip->ihl * 4u;
            if (static_cast<size_t>(n) < hl + sizeof(icmphdr)) continue;
            auto* h = reinterpret_cast<icmphdr*>(pkt + hl);
            if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.id) != id) continue;
            auto it = index.find(from.sin_addr.s_addr);
            if (it == index.end() || answered[it->second]) continue;
            answered[it->second] = true;
            ++count;
            last = seconds_since(t0);
        }
    }
    printf("ping-all: answered=%zu of=%zu seconds=%.2f\n", count, targets.size(),
           count == targets.size() ? last : seconds_since(t0));
    if (count < targets.size()) {
        std::string missing;
        for (size_t i = 0, shown = 0; i < targets.size() && shown < 10; ++i)
            if (!answered[i]) {
                missing += std::string(" ") + inet_ntoa(targets[i]);
                ++shown;
            }
        printf("ping-all: not answered (first 10):%s\n", missing.c_str());
    }
    close(fd);
    return count == targets.size() ? 0 : 1;
}
