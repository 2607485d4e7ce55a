// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Loading a gateway configuration: parse (strict, bounded), read every field, merge defaults and
// profiles, validate everything, and report all problems at once.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/config.h"
#include "gateway/diagnostics.h"

namespace gateway {

/** How much of the outside world loading may look at. */
struct LoadOptions {
    /** Check that PSK/certificate files and PSK environment variables exist and are safe. */
    bool check_files = true;
    /** Directory that relative psk_file/cert/key/ca paths are relative to; load_config_file
     *  sets it to the configuration file's directory. Empty: the working directory. */
    std::string base_dir;
    /** Environment lookup for `psk_env` (defaults to the process environment). */
    std::function<std::optional<std::string>(const std::string&)> getenv;
};

/** The outcome of loading: a configuration when there is no error, and every diagnostic. */
struct LoadResult {
    /** Set only when there are no errors. */
    std::optional<Config> config;
    /** Errors and warnings in the order found. */
    Diagnostics diagnostics;
    /** True when a configuration was produced. */
    bool ok() const { return config.has_value(); }
};

/** Loads configuration text (the file's contents). */
LoadResult load_config_text(std::string_view text, const LoadOptions& options = {});

/** Reads and loads the configuration file at `path`. */
LoadResult load_config_file(const std::string& path, const LoadOptions& options = {});

/**
 * Reads the pre-shared key of `source` (file contents without the trailing newline, or the
 * environment variable); on failure returns nullopt and sets `error` (never containing the key).
 */
std::optional<Secret> read_psk(const PskSource& source, std::string& error,
                               const LoadOptions& options = {});

}  // namespace gateway
