#pragma once
// Shared output helpers of the CLI commands.

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/diagnostics.h"

namespace gateway::cli {

/** Prints each diagnostic as "FILE: error|warning: pointer: value — message" to stderr. */
void print_diagnostics(const std::string& file, const Diagnostics& d);

/** Pretty-prints `j` to stdout (invalid UTF-8 replaced). */
void print_json(const nlohmann::json& j);

}  // namespace gateway::cli
