// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// From the gateway model to the FRR configuration vtigw wants (frr::Config): one BGP neighbor
// per tunnel with a `bgp` block, the gateway's prefixes and BFD profiles, and every tunnel's
// routes as staticd routes (zebra prefers any kernel route over BGP, so a BGP gateway keeps
// none of its own).

#include <functional>
#include <optional>
#include <string>

#include "frr/model.h"
#include "gateway/config.h"
#include "gateway/secret.h"

namespace gateway {

/** Reads a BGP password; nullopt with `error` set (never containing the password). */
using PasswordReader =
    std::function<std::optional<Secret>(const PskSource& source, std::string& error)>;

/** Reads passwords with read_psk (file or environment). */
PasswordReader default_password_reader();

/** Returns "<redacted>" for every password without reading it: for plan output. */
PasswordReader placeholder_password_reader();

/** This machine's host name (vtysh prints it back as FRR's `hostname`), or "" if unknown. */
std::string machine_hostname();

/** True when the configuration runs BGP (it has a top-level `bgp` block). */
bool runs_bgp(const Config& config);

/**
 * The FRR configuration of `config`, which must run BGP. Profile values are already applied by
 * the loader; each neighbor is described by its tunnel's name and bound to its interface;
 * announced prefixes of all tunnels become `network` statements; a route's metric becomes its
 * staticd distance (0 → 1); a multihop peer off the inside prefix gets a host route into its
 * tunnel. nullopt with `error` naming the tunnel when a password cannot be read.
 */
std::optional<frr::Config> to_frr_config(const Config& config, const PasswordReader& read_password,
                                         const std::string& hostname, std::string& error);

}  // namespace gateway
