// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Running FRR's tools (daemons, vtysh, frr-reload.py) as child processes with a timeout and their
// output captured.

#include <chrono>
#include <string>
#include <vector>

namespace frr {

/** What a finished (or killed) command did. */
struct CommandResult {
    /** Exit status; -1 when it did not exit normally (signal, timeout, could not start). */
    int exit_code = -1;
    /** True when the timeout killed it (its whole process group). */
    bool timed_out = false;
    /** stdout and stderr interleaved, as written (capped at 1 MiB). */
    std::string output;
    /** Why it could not be started (fork/exec failure), else empty. */
    std::string start_error;

    /** True when it ran and exited 0. */
    bool ok() const { return exit_code == 0 && !timed_out && start_error.empty(); }
};

/**
 * Runs argv[0] (an absolute path) with argv, stdin from /dev/null, no inherited descriptors, in
 * its own process group. Returns when the process exited, or kills the group at the timeout.
 * Output written by grandchildren that outlive it (a daemon that forked) is not waited for.
 */
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

/** "argv0 arg1 …" for logs and error messages. */
std::string command_line(const std::vector<std::string>& argv);

}  // namespace frr
