// SPDX-License-Identifier: GPL-2.0-or-later
// vtigw: the command line, with the daemon (charon in-process) linked in for `run` and `up`.
#include "daemon.h"

int main(int argc, char** argv) {
    return gateway::cli::main(argc, argv, vtigwd::run_daemon);
}
