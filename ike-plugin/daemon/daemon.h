// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The vtigw daemon: loads a configuration, reconciles the kernel (VTI manager), runs charon
// in-process with the vtigw plugin, keeps initiating tunnels up and serves the control socket
// until "down" or SIGTERM/SIGINT, which delete every SA and remove every owned kernel object.

#include "gateway/cli.h"

namespace vtigwd {

/** Runs the daemon in the foreground; returns an exit code of gateway/cli.h (0 after a clean
 *  shutdown). `vtigw run` and the daemon `vtigw up` starts both come here. */
int run_daemon(const gateway::cli::DaemonOptions& options);

}  // namespace vtigwd
