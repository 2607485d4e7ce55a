#include "vti/sysctl.h"

#include <fcntl.h>
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
    return out;
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
