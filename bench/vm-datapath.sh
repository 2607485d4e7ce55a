#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/datapath on the real kernel: CPU per packet through the first and the last of N tunnels,
# for VTIs and XFRM interfaces. Not a test: run it through the VM harness, e.g.
#   BENCH_DATAPATH_TUNNELS="10 100 1000" VTIGW_BUILD=build \
#     tests/vm/run-scenario --timeout 3000 --scenario-timeout 2900 bench/vm-datapath.sh
# Each run makes and drops its own network namespace, so nothing is left in the guest's.
# BENCH_DATAPATH_PACKETS / BENCH_DATAPATH_ROUNDS: sends per measurement and measurements per figure.
source "$VTIGW_VM_LIB"
bin=$VTIGW_BUILD/bench/datapath
[ -x "$bin" ] || fail "no $bin; build the datapath target"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg) (guest); TCG figures: compare ratios only"
for n in ${BENCH_DATAPATH_TUNNELS:-10 100 1000}; do
  for kind in vti xfrm; do
    "$bin" --kind "$kind" --tunnels "$n" --packets "${BENCH_DATAPATH_PACKETS:-2000}" \
      --rounds "${BENCH_DATAPATH_ROUNDS:-5}" || fail "datapath --kind $kind --tunnels $n"
  done
done
