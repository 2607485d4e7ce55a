#!/bin/bash
# Harness self-test: the guest kernel crashes and hangs (panic timeout 0); only the host-side
# watchdog can end this boot.
source "$VTIGW_VM_LIB"
echo 0 >/proc/sys/kernel/panic
echo c >/proc/sysrq-trigger
