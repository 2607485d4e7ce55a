// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/sysctl.h"

#include <fcntl.h>
#include <linux/ip.h>
#include <unistd.h>

#include <cerrno>

namespace vti {

std::vector<SysctlSetting> desired_sysctls(const TunnelSpec& t) {
    std::string base = "net/ipv4/conf/" + t.ifname + "/";
    std::vector<SysctlSetting> out;
    // Not disable_xfrm: it marks routes out of the VTI DST_NOXFRM, so the VTI's own xfrm lookup
    // finds no transform and answers host-unreachable (seen in the VM, scenario vti-mss-clamp).
    if (t.kind == LinkKind::Vti) out.push_back({base + "disable_policy", "1", t.name});
    out.push_back({base + "rp_filter", "2", t.name});
    // An XFRM interface (ARPHRD_NONE) and a vti6 (ARPHRD_TUNNEL6), unlike an IPv4 VTI, get an
    // IPv6 link-local address and, unless IPv6 forwarding is on, keep soliciting routers through
    // the tunnel. Without an SA each solicitation makes the kernel create a larval ACQUIRE state
    // (XfrmOutNoStates) that outlives `down` by up to 30 s; accept_ra=0 stops the
    // retransmissions (routes through a tunnel are vtigw's, never RAs).
    bool gets_link_local = t.kind == LinkKind::Xfrm || t.local.is_v6();
    if (gets_link_local && access("/proc/sys/net/ipv6/conf", F_OK) == 0)
        out.push_back({"net/ipv6/conf/" + t.ifname + "/accept_ra", "0", t.name});
    return out;
}

std::optional<uint16_t> ipv4_devconf_id(const std::string& path, const std::string& ifname) {
    const std::string base = "net/ipv4/conf/" + ifname + "/";
    if (!path.starts_with(base)) return std::nullopt;
    const std::string key = path.substr(base.size());
    if (key == "rp_filter") return IPV4_DEVCONF_RP_FILTER;
    if (key == "disable_policy") return IPV4_DEVCONF_NOPOLICY;
    return std::nullopt;
}

std::optional<std::string> sysctl_from_link(const LinkInfo& link, const std::string& path) {
    auto id = ipv4_devconf_id(path, link.name);
    if (!id || link.ipv4_conf.size() < *id) return std::nullopt;
    return std::to_string(link.ipv4_conf[*id - 1]);
}

Expected<std::string> read_sysctl(const std::string& path) {
    std::string full = "/proc/sys/" + path;
    int fd = open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Result::fail(errno, "read " + full);
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    int err = errno;
    close(fd);
    if (n < 0) return Result::fail(err, "read " + full);
    std::string v(buf, static_cast<size_t>(n));
    while (!v.empty() && (v.back() == '\n' || v.back() == ' ' || v.back() == '\t')) v.pop_back();
    return v;
}

Result write_sysctl(const std::string& path, const std::string& value) {
    std::string full = "/proc/sys/" + path;
    int fd = open(full.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Result::fail(errno, "write " + full);
    ssize_t n = write(fd, value.data(), value.size());
    int err = errno;
    close(fd);
    if (n < 0) return Result::fail(err, "write " + full + "=" + value);
    return {};
}

std::string sysctl_command(const SysctlSetting& s) {
    return "sysctl -w " + s.path + "=" + s.value;
}

}  // namespace vti
