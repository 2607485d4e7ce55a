// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Secret-free descriptions of a loaded configuration for output (`check`, `plan`, status).

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/config.h"
#include "gateway/diagnostics.h"

namespace gateway {

/** How a tunnel authenticates, e.g. "psk from file /etc/vtigw/a.psk"; never the key. */
std::string describe_auth(const Auth& auth);

/** The IKE connection of a tunnel as JSON (identities, proposals, timers); never the key. */
nlohmann::json ike_connection_json(const Tunnel& t);

/** One line: "aws-1: IKEv2 192.0.2.1 → 203.0.113.9, ids …, psk from env X, reqid N, mark N". */
std::string ike_connection_line(const Tunnel& t);

/** A tunnel's BGP session as JSON (peer, ASN, profile, timers, BFD, filters); never the
 *  password, only where it comes from. */
nlohmann::json bgp_session_json(const TunnelBgp& b);

/** One line: "BGP AS 65010, router ID 10.80.0.11, 2 session(s)", or "" without BGP. */
std::string bgp_summary(const Config& c);

/** Diagnostics as a JSON array of {severity, pointer, value, message}. */
nlohmann::json diagnostics_json(const Diagnostics& d);

}  // namespace gateway
