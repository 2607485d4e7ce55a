// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Shared output helpers of the CLI commands.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/control.h"
#include "gateway/diagnostics.h"

namespace gateway::cli {

/** Prints each diagnostic as "FILE: error|warning: pointer: value — message" to stderr. */
void print_diagnostics(const std::string& file, const Diagnostics& d);

/** Pretty-prints `j` to stdout (invalid UTF-8 replaced). */
void print_json(const nlohmann::json& j);

/** `path` made absolute (the daemon's working directory is not the caller's). */
std::string absolute_path(const std::string& path);

/** The exit code of a failed daemon reply: 7 unreachable, 1 config, 3 kernel, 7 otherwise. */
int exit_code_for(const control::Reply& failed);

/** Prints "      [#] line" for each line of a (possibly multi-line) command. */
void print_command_lines(const std::string& command);
/** Prints each non-empty line of `text` after `prefix`. */
void print_lines(const std::string& text, const char* prefix);

/** `items` joined with `separator`; more than `max_items` are cut to the first five and
 *  "… and N more", so one-line summaries stay readable with thousands of tunnels. */
std::string abbreviated_list(const std::vector<std::string>& items,
                             const std::string& separator = ", ", size_t max_items = 10);

/** Prints a daemon's plan or reload result: the tunnels, the kernel changes with their
 *  commands, then FRR's added ("+") and removed ("-") lines (the section shown when there are
 *  any, or always with `bgp`). */
void print_reload_changes(const std::vector<control::PlannedChange>& changes, bool bgp = false);

/** Adds a daemon's plan or reload result to `out`: "changes" (tunnels and kernel, as the control
 *  protocol has them) and "frr" {"changes": [{"action", "line", "path"}]}. */
void add_reload_changes_json(nlohmann::json& out,
                             const std::vector<control::PlannedChange>& changes);

}  // namespace gateway::cli
