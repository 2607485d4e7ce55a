#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A lossy, slow underlay (issue 6, "netem"): netem drops 20 % and delays 50 ms on both ends of the
# west-east link (picture in ike-plugin/testing/ike-sites.sh; 3 tunnels from multi_sites, west
# initiating, east responding). All tunnels establish within 30 s of `vtigw up` on west, stay up
# for 60 s (same CHILD_SA or a logged rekey, never a new IKE_SA), and pings through each tunnel
# get through with some loss.
#
# Bring-up under this loss depends on charon's retransmissions; vtigw's defaults and their math
# are in ike-plugin/vtigw_runtime.c (set_defaults). sch_netem loads on demand from the test
# kernel's tree (the guest's modprobe wrapper); `tc` comes from the host root.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

N=3
multi_sites "$N" initiate respond

for s in west east; do
  assert_ok in_ns "$s" tc qdisc add dev wan0 root netem loss 20% delay 50ms
  assert_match "netem .*delay 50ms loss 20%" "$(in_ns "$s" tc qdisc show dev wan0)" "netem on $s's wan0"
done
loss=$(in_ns west ping -c 50 -i 0.05 -W 1 192.0.2.2 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
log "measured: underlay ping loss with netem on both ends: ${loss}% (expected ~36 %)"

assert_ok vtigw_up east --verbose
t0=$(date +%s.%N)
assert_ok vtigw_up west --verbose
# Poll for at most 90 s so that a slow bring-up is measured, then hold it to the 30 s.
declare -A up_at=()
deadline=$(( $(date +%s) + 90 ))
while [ ${#up_at[@]} -lt "$N" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  for ((k = 1; k <= N; k++)); do
    [ -z "${up_at[$k]:-}" ] || continue
    if [ "$(field_of west "t$k" up)" = true ] && [ "$(field_of east "t$k" up)" = true ]; then
      up_at[$k]=$(since "$t0")
    fi
  done
  sleep 0.2
done
for ((k = 1; k <= N; k++)); do
  log "measured: t$k up on both sides ${up_at[$k]:-never (90 s)} s after vtigw up (attempts $(field_of west "t$k" attempts))"
done
for ((k = 1; k <= N; k++)); do
  [ -n "${up_at[$k]:-}" ] || fail "t$k did not come up within 90 s under 20 % loss"
  awk -v t="${up_at[$k]}" 'BEGIN{exit !(t <= 30)}' ||
    fail "t$k took ${up_at[$k]} s to come up under 20 % loss; the issue asks for 30 s"
done
log "ok: all $N tunnels established within 30 s"

# Hold for 60 s with pings through every tunnel (30 pings, 2 s apart).
declare -A spi_in=() spi_out=()
for ((k = 1; k <= N; k++)); do
  spi_in[$k]=$(field_of west "t$k" spi_in); spi_out[$k]=$(field_of west "t$k" spi_out)
  in_ns west ping -c 30 -i 2 -W 2 "10.255.$k.2" >"$IKE_DIR/ping-t$k.out" 2>&1 &
  echo $! >"$IKE_DIR/ping-t$k.pid"
  on_exit "kill $! 2>/dev/null"
done
t1=$(date +%s.%N)
for ((k = 1; k <= N; k++)); do wait "$(cat "$IKE_DIR/ping-t$k.pid")" || true; done
log "measured: ping phase took $(since "$t1") s"
for ((k = 1; k <= N; k++)); do
  got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$IKE_DIR/ping-t$k.out")
  log "measured: t$k: ${got:-0} of 30 pings answered (expected ~19 at 36 % round-trip loss)"
  assert_ge 5 "${got:-0}" "t$k: pings through the tunnel get through"
  for s in west east; do
    assert_eq true "$(field_of "$s" "t$k" up)" "t$k still up on $s after 60 s"
  done
  if [ "$(field_of west "t$k" spi_in)" = "${spi_in[$k]}" ] && [ "$(field_of west "t$k" spi_out)" = "${spi_out[$k]}" ]; then
    log "ok: t$k kept its CHILD_SA (spi in $(printf %08x "${spi_in[$k]}"))"
  else
    assert_ok grep -q "tunnel t$k: CHILD_SA rekeyed" "$IKE_DIR/west.log"
  fi
  assert_eq 1 "$(grep -c "tunnel t$k: IKE_SA established" "$IKE_DIR/west.log" || true)" "t$k: one IKE_SA in the whole run (never re-established)"
  assert_eq 2 "$(sas_of west "$k")" "t$k: two installed SAs on west"
  assert_eq 2 "$(sas_of east "$k")" "t$k: two installed SAs on east"
done

# A clean teardown does not depend on DELETEs crossing the lossy link.
for s in west east; do assert_ok in_ns "$s" tc qdisc del dev wan0 root; done
down_both_sites
