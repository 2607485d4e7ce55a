// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Applying a rendered FRR configuration with frr-reload.py: checked with --test, then applied
// with --reload, one apply at a time. FRR keeps running the last configuration it accepted.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "frr/layout.h"

namespace frr {

/** The outcome of one apply. */
struct ApplyOutcome {
    /** True when FRR runs the new configuration. */
    bool ok = false;
    /** FRR's reason for refusing it (secrets masked), empty on success. */
    std::string error;
    /** How long frr-reload.py took, both steps. */
    std::chrono::milliseconds took{0};
};

/** Applies configurations to one FRR instance. Thread-safe; applies are serialized. */
class Reloader {
  public:
    /** `timeout` bounds each frr-reload.py run. */
    explicit Reloader(Layout layout, std::chrono::seconds timeout = std::chrono::seconds(60));

    /**
     * Writes `text` (mode 0600: it may hold TCP-MD5 passwords) and has frr-reload.py check it and
     * then apply the difference to the running FRR; unchanged neighbors keep their sessions.
     * When the check fails FRR is untouched; when the apply fails half-way the last accepted
     * configuration is applied again. The error is kept for last_error(). The --test step is
     * skipped for the text check() accepted last (a reload checks before it applies; each
     * frr-reload.py run costs seconds, a minute under emulation).
     */
    ApplyOutcome apply(const std::string& text);

    /** Has frr-reload.py --test check `text` against the running FRR, changing nothing; the
     *  error (secrets masked) or an empty string. */
    std::string check(const std::string& text);

    /** The error of the last apply, if it failed. */
    std::optional<std::string> last_error() const;

    /** The last configuration FRR accepted through this reloader (or an earlier vtigw run). */
    std::optional<std::string> last_applied() const;

  private:
    std::string run_reload(const char* mode, const std::string& file);

    Layout layout_;
    std::chrono::seconds timeout_;
    mutable std::mutex mu_;
    std::optional<std::string> last_error_;
    std::optional<std::string> checked_;
};

/**
 * The lines of frr-reload.py's output that say why it failed: its ERROR/WARNING messages and
 * vtysh's "% …" complaints with their line numbers, colour codes removed, every password masked.
 */
std::string reload_error_text(const std::string& output);

/** `text` with the word after every "password" replaced by "<redacted>". */
std::string mask_passwords(const std::string& text);

}  // namespace frr
