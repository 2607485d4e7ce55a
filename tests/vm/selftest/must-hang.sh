#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Harness self-test: the guest kernel crashes and hangs (panic timeout 0); only the host-side
# watchdog can end this boot.
source "$VTIGW_VM_LIB"
echo 0 >/proc/sys/kernel/panic
echo c >/proc/sysrq-trigger
