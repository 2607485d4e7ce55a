#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Rekeying under traffic (picture in ike-plugin/testing/ike-sites.sh): one tunnel with short
# lifetimes (IKE and ESP 60 s, the least vtigw accepts; rekey margin 20 s with 50 % fuzz) on both
# sides, so both sides try to rekey 30-40 s after the tunnel came up. During 50 s of pings every
# 0.2 s from lan-w to lan-e: the IKE_SA and the CHILD_SA are rekeyed (logged by both daemons), and
# at most the last ping goes unanswered. Afterwards each side has exactly one IKE_SA and one
# CHILD_SA, both sides the same IKE SPIs, and vtigw's duplicate check, which runs after every
# rekey, deleted nothing (a rekey's old and new IKE_SA are not duplicates).
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

multi_sites 1 initiate respond
for s in west east; do
  jq '.defaults += {"ike_lifetime": "60s", "esp_lifetime": "60s", "rekey_margin": "20s", "rekey_fuzz": 50}' \
    "$IKE_DIR/$s.json" >"$IKE_DIR/$s.tmp"
  mv "$IKE_DIR/$s.tmp" "$IKE_DIR/$s.json"
done
start_vtigwd east
start_vtigwd west
assert_ok wait_for 60 both_sites_up 1

ip netns exec lan-w ping -i 0.2 -w 50 -W 2 10.2.0.2 >"$IKE_DIR/ping.txt" 2>&1 &
ping_pid=$!
on_exit "kill $ping_pid 2>/dev/null"
wait "$ping_pid" || true
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$IKE_DIR/ping.txt")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$IKE_DIR/ping.txt")
log "measured: $got of $sent pings answered over 50 s of rekeying"

rekeys() { grep -c "tunnel t1: $2 rekeyed" "$IKE_DIR/$1.log" || true; }
for s in west east; do
  log "measured: $s: IKE_SA rekeyed $(rekeys "$s" IKE_SA) times, CHILD_SA $(rekeys "$s" CHILD_SA) times"
done
for s in west east; do
  assert_ge 1 "$(rekeys "$s" IKE_SA)" "$s: IKE_SA rekeys logged"
  assert_ge 1 "$(rekeys "$s" CHILD_SA)" "$s: CHILD_SA rekeys logged"
done
assert_ge 200 "$sent" "pings sent"
assert_ge $((sent - 1)) "$got" "pings answered while rekeying (one may be in flight at the end)"

# A rekey in progress briefly holds two IKE_SAs or CHILD_SAs: wait for a quiet moment.
# sa_view SITE: "IKE_SAs CHILD_SAs IKE-SPIs up" of the tunnel in the site's status.
sa_view() { ctl "$1" status | jq -r '.tunnels[0] | "\(.ike_sas) \(.child_sas) \(.ike_spi_i)_\(.ike_spi_r) \(.up)"'; }
quiet() {
  local w e
  w=$(sa_view west) e=$(sa_view east)
  [[ "$w" == "1 1 "*" true" ]] && [ "$w" = "$e" ] && [ "$(sas_of west 1)" = 2 ] && [ "$(sas_of east 1)" = 2 ]
}
assert_ok wait_for 30 quiet
log "west: $(sa_view west); east: $(sa_view east)"
assert_match '^1 1 [0-9a-f]{16}_[0-9a-f]{16} true$' "$(sa_view west)" "west: one IKE_SA, one CHILD_SA, up"
assert_eq "$(sa_view west)" "$(sa_view east)" "both sides hold the same IKE_SA"
for s in west east; do
  assert_eq 0 "$(grep -c "deleting duplicate IKE_SA" "$IKE_DIR/$s.log" || true)" "$s: duplicates deleted by vtigw's check"
done
down_both_sites
