#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Harness self-test: a scenario stuck in a command past its timeout is stopped, its process tree is
# shown before that (what it waited for), and its cleanups still run.
source "$VTIGW_VM_LIB"
exec 7>&2  # cleanups run with stderr to /dev/null
on_exit "echo must-stall cleanup ran >&7"
log "waiting for something that never comes"
sleep 4242
