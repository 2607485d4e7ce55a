// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Strict, bounded JSON parsing for untrusted configuration text: size and nesting limits,
// duplicate object keys rejected, syntax errors reported with line and column.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/diagnostics.h"

namespace gateway {

/** Largest configuration accepted, in bytes. */
inline constexpr size_t kMaxConfigBytes = 1 << 20;
/** Deepest nesting of arrays/objects accepted. */
inline constexpr size_t kMaxJsonDepth = 32;

/**
 * Parses `text` as one JSON document. On any problem returns nullopt and adds errors to
 * `diags`: oversize input, nesting deeper than kMaxJsonDepth, duplicate keys (each with its
 * pointer), or a syntax error with line and column. Never echoes string contents from the
 * input in syntax errors (they may be secrets). Never recurses on the input's nesting.
 */
std::optional<nlohmann::json> parse_json_strict(std::string_view text, Diagnostics& diags);

/** Reads a file of at most kMaxConfigBytes; on failure adds an error naming the path. */
std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diags);

}  // namespace gateway
