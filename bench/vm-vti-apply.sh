#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/vti-apply on the real kernel (full state: VTIs, addresses, routes, policies, sysctls, MSS).
# Not a test: run it from the host with bench/run-vm-vti-apply, which passes the tunnel count and
# keeps the host's load average where the guest can read it (docs/benchmarks.md).
# The benchmark makes its own network namespaces, so nothing is left in the guest's.
source "$VTIGW_VM_LIB"
bin=$VTIGW_BUILD/bench/vti-apply
[ -x "$bin" ] || fail "no $bin; build the vti-apply target"
args=(--tunnels "${VTI_APPLY_TUNNELS:-1000}" --per-process "${VTI_APPLY_PER_PROCESS:-100}"
      --runs "${VTI_APPLY_RUNS:-3}")
# The results share (/mnt/out) is read uncached, unlike the host root.
[ -n "${VTI_APPLY_HOST_LOAD:-}" ] && args+=(--host-load "$VTI_APPLY_HOST_LOAD")
"$bin" "${args[@]}"
