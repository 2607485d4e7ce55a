// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The complete integrated FRR 8.4 configuration text (frr.conf) of a frr::Config, in the form
// `show running-config` prints back, so that frr-reload.py sees no difference after applying it.

#include <string>

#include "frr/model.h"

namespace frr {

/**
 * Renders `config` as frr.conf text. Deterministic: the same input gives byte-identical text.
 * Names of prefix-lists and route-maps derive from neighbor descriptions (tunnel names), and
 * neighbors are ordered by description, so adding a neighbor adds lines without changing the
 * others' (frr-reload.py then keeps their sessions).
 *
 * Announced and accepted prefixes become per-neighbor route-maps `vtigw-<tunnel>-out` /
 * `vtigw-<tunnel>-in` (`deny` when nothing matches: `bgp ebgp-requires-policy` stays on);
 * MED and AS-path prepending are `set` clauses of the out route-map. The extra lines come
 * last, verbatim, followed by "!".
 *
 * Precondition: valid(config) is empty. The text contains neighbor passwords: write it to a
 * file only the owner can read, and never log it (use render_redacted()).
 */
std::string render(const Config& config);

/** Like render(), with every password replaced by "<redacted>": for `plan` output and logs. */
std::string render_redacted(const Config& config);

/**
 * The first reason `config` cannot be rendered safely, or "" when it can: empty or
 * whitespace-containing names, addresses, descriptions or passwords (a line break would inject
 * configuration), unknown BFD profile references, duplicate neighbor addresses or descriptions,
 * extra lines that are blank or hold a control character.
 * gateway/ validates its own configuration far more strictly; this guards the library's edge.
 */
std::string invalid_reason(const Config& config);

}  // namespace frr
