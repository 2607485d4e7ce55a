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

/** Prints a daemon's plan or reload result: the tunnels, then the kernel changes with their
 *  commands. */
void print_reload_changes(const std::vector<control::PlannedChange>& changes);

}  // namespace gateway::cli
