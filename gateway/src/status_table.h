// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The human form of `vtigw status`: one row per configured tunnel.

#include <cstdint>
#include <string>

#include "gateway/control.h"

namespace gateway::cli {

/** "420 B", "1.5 KiB", … */
std::string human_bytes(uint64_t bytes);
/** "12s", "3m05s", "2h01m", "1d03h"; "-" for a negative value (not established). */
std::string human_duration(int64_t seconds);
/** "up", "connecting" (an IKE_SA exists, no installed CHILD_SA) or "down". */
std::string tunnel_state(const control::TunnelStatus& t);
/** The BGP column of a tunnel: "Established 3m05s 2/1 pfx bfd up", "Active 0/0 pfx link down";
 *  "-" for a tunnel without BGP. */
std::string bgp_cell(const control::TunnelStatus& t);
/** Whether a tunnel has anything for the NAT column: NAT detected or faked, encapsulation
 *  forced or in use. The column appears when one tunnel has. */
bool shows_nat(const control::TunnelStatus& t);
/** The NAT column of a tunnel: where IKE detected a NAT ("local": this gateway is behind one,
 *  "remote", "both", "none"), " forced" when encapsulation is forced, then " udp L/R" with the
 *  local and remote UDP ports when ESP is encapsulated; "-" without an IKE_SA. */
std::string nat_cell(const control::TunnelStatus& t);
/** Lines below the table about the gateway's FRR: a refused configuration, FRR unreachable, the
 *  FIB check's result and each mismatch. */
std::string frr_lines(const control::FrrStatus& f);
/** A header line, a column header and one aligned row per tunnel (a BGP column when a tunnel
 *  runs BGP), then the FRR lines; never a secret. */
std::string format_status_table(const control::Reply& status);

}  // namespace gateway::cli
