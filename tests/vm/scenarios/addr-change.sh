#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A branch's public address changes (a new DHCP lease) while it pings the hub (picture in
# ike-plugin/testing/hub-sites.sh; only br-b, behind the NAT, runs). The branch's gateway has
# "local": "auto" (its address is whatever its underlay has); the hub's tunnel has "remote":
# "any". The address on the branch's underlay is replaced and the NAT maps the new one to a new
# port: the branch's IKE daemon sees the address go (netlink), MOBIKE (both ends are vtigw) moves
# the SAs to the new path, and the hub follows; traffic flows again without operator action, the
# hub holds exactly one IKE_SA for the branch, and the outage (the longest gap between answered
# pings) is reported. Then the branch turns MOBIKE off ("mobike": false, a reload) and its address
# changes again: the branch re-establishes from the new address, and the hub replaces the old
# IKE_SA (same identity) with the new one: one IKE_SA, a new id, traffic back.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/nat-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/hub-sites.sh"
on_exit hub_show_logs
start=$(date +%s.%N)

hub_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
hub_config "$IKE_DIR/psk"
branch_config br-b auto "$IKE_DIR/psk"
assert_ok "$VTIGW" check -c "$IKE_DIR/br-b.json"
assert_ok vtigw_up hub --wait=60
assert_ok vtigw_up br-b --wait=90
hub_up() { [ "$(hub_field "$1" up)" = true ]; }
assert_ok wait_for 30 hub_up br-b
assert_ok wait_for 15 lan_ping br-b 10.9.0.1
assert_eq 192.168.1.2 "$(tunnel_field br-b ike_local_address)" "branch: IKE from the underlay's address"
old_port=$(hub_field br-b ike_remote_port)
old_ike=$(hub_field br-b ike_sa_id)
log "hub sees br-b at 203.0.113.2:$old_port (IKE_SA #$old_ike)"

# change_address OLD NEW: replaces the branch's underlay address OLD by NEW while it pings the
# hub's LAN every 0.2 s; traffic must flow again, IKE must run from NEW, the hub must follow the
# NAT's new port and hold exactly one IKE_SA for the branch. Sets $gap (the outage: the longest
# gap between answered pings).
change_address() {
  local old=$1 new=$2 old_port ping_pid t
  old_port=$(hub_field br-b ike_remote_port)
  in_ns br-b ping -D -O -i 0.2 -W 1 -I 10.2.0.1 10.9.0.1 >"$IKE_DIR/ping.log" 2>&1 &
  ping_pid=$!
  on_exit "kill $ping_pid 2>/dev/null"
  sleep 2
  t=$(date +%s.%N)
  ip -n br-b addr del "$old/24" dev wan0
  ip -n br-b addr add "$new/24" dev wan0
  ip -n br-b route replace default via 192.168.1.1
  assert_ok wait_for 90 lan_ping br-b 10.9.0.1
  log "measured: traffic flows again $(since "$t") s after the address was replaced"
  sleep 2
  kill "$ping_pid" 2>/dev/null
  # ping -D stamps each answer.
  gap=$(sed -n 's/^\[\([0-9.]*\)\].*bytes from.*/\1/p' "$IKE_DIR/ping.log" |
    awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { printf "%.1f", g }')
  log "measured: outage $gap s (longest gap between answered pings across the address change)"
  # The pings ran across the change (MOBIKE may move the SAs without losing one of them); the
  # checks below show that the address did change.
  answered() { sed -n 's/^\[\([0-9.]*\)\].*bytes from.*/\1/p' "$IKE_DIR/ping.log" | awk -v t="$t" "\$1 $1 t" | grep -c .; }
  assert_ge 5 "$(answered '<')" "pings answered before the address change"
  assert_ge 5 "$(answered '>')" "pings answered after the address change"
  assert_eq "$new" "$(tunnel_field br-b ike_local_address)" "branch: IKE from the new address"
  new_port() { [ "$(hub_field br-b ike_remote_port)" != "$old_port" ]; }
  assert_ok wait_for 30 new_port
  log "ok: the hub follows the NAT's new mapping: 203.0.113.2:$(hub_field br-b ike_remote_port) (was $old_port)"
  one_ike() { [ "$(hub_field br-b ike_sas)" = 1 ] && hub_up br-b; }
  assert_ok wait_for 60 one_ike
  assert_ok wait_for 10 lan_ping hub 10.2.0.1
  assert_eq 0 "$(ip -n br-b xfrm state | grep -c "$old " || true)" "no SA left on the old address"
}

# --- with MOBIKE (both ends are vtigw and offer it): the same IKE_SA moves ----------------------
change_address 192.168.1.2 192.168.1.12
log "measured: with MOBIKE: outage $gap s"
assert_eq "$old_ike" "$(hub_field br-b ike_sa_id)" "the hub's IKE_SA for br-b (MOBIKE keeps it)"

# --- without MOBIKE ("mobike": false on the branch): the branch re-establishes ---------------------
jq '.tunnels[0].mobike = false' "$IKE_DIR/br-b.json" >"$IKE_DIR/br-b.tmp" && mv "$IKE_DIR/br-b.tmp" "$IKE_DIR/br-b.json"
assert_ok vtigw_at br-b reload -c "$IKE_DIR/br-b.json"
moved_ike() { [ "$(hub_field br-b ike_sa_id)" != "$old_ike" ] && [ "$(hub_field br-b ike_sas)" = 1 ] && hub_up br-b; }
assert_ok wait_for 60 moved_ike
assert_ok wait_for 30 lan_ping br-b 10.9.0.1
old_ike=$(hub_field br-b ike_sa_id)
change_address 192.168.1.12 192.168.1.22
log "measured: without MOBIKE: outage $gap s"
assert_match "^[0-9]+$" "$(hub_field br-b ike_sa_id)" "the hub's IKE_SA id"
if [ "$(hub_field br-b ike_sa_id)" != "$old_ike" ]; then
  log "ok: re-established: the hub's IKE_SA for br-b is #$(hub_field br-b ike_sa_id) (was #$old_ike)"
else
  fail "the hub kept IKE_SA #$old_ike although MOBIKE is off: it cannot have moved"
fi

# --- down: nothing left -------------------------------------------------------------------------
for s in br-b hub; do
  pid=$(cat "$IKE_DIR/$s.pid")
  assert_ok ctl "$s" down
  assert_ok wait_for 20 gone "$pid"
  rm -f "$IKE_DIR/$s.pid"
done
for s in hub br-b; do
  no_xfrm_left "$s"
done
log "measured: addr-change total $(since "$start") s"
