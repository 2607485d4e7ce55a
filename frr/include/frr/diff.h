// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// What changes between two FRR configuration texts, line by line within their blocks
// (`router bgp` › `address-family` › line): for `plan` output against the configuration FRR
// runs, the way frr-reload.py compares them.

#include <string>
#include <vector>

namespace frr {

/** One configuration line that is added or removed. */
struct LineChange {
    /** True: the line is added; false: removed. */
    bool add = false;
    /** Enclosing block lines, outermost first (e.g. {"router bgp 65010"}). */
    std::vector<std::string> context;
    /** The line itself, without indentation. */
    std::string line;

    /** "+ router bgp 65010 > neighbor 169.254.10.2 timers 3 9" ("-" when removed). */
    std::string str() const;
    bool operator==(const LineChange&) const = default;
};

/**
 * The lines of `to` missing from `from` (added) and of `from` missing from `to` (removed),
 * removals first, each in text order. Comment lines ("!"), block ends ("exit",
 * "exit-address-family", "end") and vtysh's header lines are ignored; a block is identified
 * by its opening line, so a line moved within its block is no change.
 */
std::vector<LineChange> diff(const std::string& from, const std::string& to);

/** `changes` with the word after every "password" in their lines and blocks replaced by
 *  "<redacted>": a changed password shows as a removed and an added line, never its value. */
std::vector<LineChange> redacted(std::vector<LineChange> changes);

}  // namespace frr
