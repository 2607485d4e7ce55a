// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Starting and stopping the FRR daemons of one gateway. The daemons run in the caller's network
// namespace (they inherit it), under their own pathspace (`-N NAME`), with an empty startup
// configuration: the Reloader applies vtigw's rendered configuration afterwards.

#include <sys/types.h>

#include <string>
#include <vector>

#include "frr/layout.h"

namespace frr {

/** The FRR daemons vtigw needs, zebra first. */
std::vector<std::string> default_daemons();

/** A daemon started by vtigw that is running. */
struct RunningDaemon {
    /** "zebra", "bgpd", … */
    std::string name;
    /** Its process id. */
    pid_t pid = 0;
};

/** Starts and stops the daemons of one FRR instance that vtigw manages. */
class Supervisor {
  public:
    /** `layout` must be a managed_layout() with a pathspace. */
    explicit Supervisor(Layout layout, std::vector<std::string> daemons = default_daemons());

    /**
     * Prepares FRR's directories (vtysh.conf with `service integrated-vtysh-config`), then starts
     * every daemon that is not running yet; daemons recorded as started by an earlier vtigw run
     * in this pathspace are adopted. Refuses (and starts nothing) when a daemon of the pathspace
     * runs that vtigw did not start. On a failure it stops what it started in this call.
     * Returns an empty string on success, else the error.
     */
    std::string start();

    /**
     * Stops exactly the daemons vtigw recorded as started (SIGTERM, SIGKILL after 10 s; zebra
     * removes its routes as it exits) and removes vtigw's FRR directories. Safe to call twice and
     * after a crash. Returns an empty string on success, else what could not be done.
     */
    std::string stop();

    /** The recorded daemons that are alive. */
    std::vector<RunningDaemon> running() const;

    /** The layout this supervisor manages. */
    const Layout& layout() const { return layout_; }

  private:
    std::string start_one(const std::string& name);

    Layout layout_;
    std::vector<std::string> daemons_;
};

}  // namespace frr
