#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vti-apply on the real kernel (full state: VTIs, addresses, routes, policies, sysctls, MSS).
# Not a test: run it through the VM harness, e.g.
#   VTIGW_BUILD=build-vti VTIGW_VM_VERBOSE=1 tests/vm/run-scenario --timeout 2400 bench/vm-vti-apply.sh
# Under TCG the 1,000-tunnel run takes ~20 min, most of it the one-process-per-object phase.
# The benchmark makes its own network namespaces, so nothing is left in the guest's.
source "$VTIGW_VM_LIB"
bin=$VTIGW_BUILD/bench/vti-apply
[ -x "$bin" ] || fail "no $bin; build the vti-apply target"
"$bin" --tunnels "${VTI_APPLY_TUNNELS:-1000}" --per-process "${VTI_APPLY_PER_PROCESS:-100}"
