// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Sysctl family: the per-interface settings a route-based tunnel needs. Reads and writes go to
// /proc/sys/net of the calling thread's network namespace.

#include <optional>
#include <string>
#include <vector>

#include "vti/link.h"
#include "vti/result.h"
#include "vti/tunnel.h"

namespace vti {

/** One sysctl under /proc/sys, e.g. path "net/ipv4/conf/vti-aws1/disable_policy", value "1". */
struct SysctlSetting {
    /** Path relative to /proc/sys, '/'-separated. */
    std::string path;
    /** Value as written (no trailing newline). */
    std::string value;
    /** Tunnel name, for messages. */
    std::string tunnel;
    /** Field-wise equality. */
    bool operator==(const SysctlSetting&) const = default;
};

/** The settings tunnel `t` needs on interface `t.ifname`: for VTIs disable_policy=1 (decrypted
 *  packets arrive on the VTI with no policy of their own to match); never disable_xfrm=1, which
 *  stops the VTI from encrypting at all. For every tunnel loose rp_filter (2), since strict
 *  filtering drops asymmetrically routed traffic. For XFRM interfaces and vti6 devices (IPv6 outer
 *  addresses), when the kernel has IPv6, accept_ra=0: no router solicitations through the tunnel (each one without an SA leaves a larval
 *  ACQUIRE state behind). */
std::vector<SysctlSetting> desired_sysctls(const TunnelSpec& t);
/** The value of `path` as reported in `link`'s IPv4 settings (part of every link dump, so no
 *  file is read), for the settings desired_sysctls() makes; nullopt when the link does not
 *  report it or the path is another one. */
std::optional<std::string> sysctl_from_link(const LinkInfo& link, const std::string& path);
/** The IPV4_DEVCONF_* id of `path` when it is one of `ifname`'s IPv4 settings that
 *  desired_sysctls() makes (rp_filter, disable_policy), so that a link message can carry it
 *  (build_link_change); nullopt for any other path. */
std::optional<uint16_t> ipv4_devconf_id(const std::string& path, const std::string& ifname);
/** Reads a sysctl's current value (trailing whitespace removed). */
Expected<std::string> read_sysctl(const std::string& path);
/** Writes a sysctl. */
Result write_sysctl(const std::string& path, const std::string& value);
/** `sysctl -w PATH=VALUE` equivalent. */
std::string sysctl_command(const SysctlSetting& s);

}  // namespace vti
