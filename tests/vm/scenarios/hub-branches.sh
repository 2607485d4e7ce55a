#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hub serves three branches from addresses it was not told (picture in
# ike-plugin/testing/hub-sites.sh): its tunnels have "remote": "any" and tell the branches apart by
# their IKE identity; br-b and br-c sit behind one masquerading NAT (one public address, ports
# picked at random). Each branch gets its own XFRM interface with its own routes on the hub, and
# branch-to-branch traffic crosses the hub. A stranger (an identity no tunnel has) is refused and
# named in the hub's status; a branch with a wrong PSK is refused and its tunnel's last_error says
# so. Then br-a comes back from a new address: the hub replaces its old SAs (one IKE_SA left) and
# its status shows the new address.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/nat-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/hub-sites.sh"
on_exit hub_show_logs
start=$(date +%s.%N)

hub_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
write_psk "$IKE_DIR/wrong.psk" "$(head -c 24 /dev/urandom | base64)"
hub_config "$IKE_DIR/psk"
assert_ok "$VTIGW" check -c "$IKE_DIR/hub.json"

# --- up: br-a directly, br-b behind the NAT -----------------------------------------------------
assert_ok vtigw_up hub --wait=60
t0=$(date +%s.%N)
branch_config br-a 198.51.100.2 "$IKE_DIR/psk"
branch_config br-b 192.168.1.2 "$IKE_DIR/psk"
assert_ok vtigw_up br-a --wait=90
assert_ok vtigw_up br-b --wait=90
hub_up() { [ "$(hub_field "$1" up)" = true ]; }
assert_ok wait_for 30 hub_up br-a
assert_ok wait_for 30 hub_up br-b
log "measured: two branches up $(since "$t0") s after their daemons started"

# --- a stranger, then a wrong PSK, from br-c's address ------------------------------------------
branch_config br-c 192.168.2.2 "$IKE_DIR/psk" stranger.vtigw.test
start_vtigwd br-c
refused_stranger() { ctl hub status | jq -e '.refused[]? | select(.identity == "stranger.vtigw.test" and .address == "203.0.113.2")' >/dev/null; }
assert_ok wait_for 60 refused_stranger
assert_match 'refused: identity "stranger.vtigw.test" from 203.0.113.2' "$(vtigw_at hub status)" "hub status table names the stranger"
assert_eq "" "$(hub_field br-c ike_state)" "no IKE_SA for br-c from the stranger"
stop_vtigwd br-c
branch_config br-c 192.168.2.2 "$IKE_DIR/wrong.psk"
start_vtigwd br-c
wrong_psk() { hub_field br-c last_error | grep -q 'authentication failed'; }
assert_ok wait_for 60 wrong_psk
log "hub's br-c with a wrong PSK: $(hub_field br-c last_error)"
assert_eq false "$(hub_field br-c up)" "br-c is not up with a wrong PSK"
stop_vtigwd br-c

# --- br-c with the right PSK --------------------------------------------------------------------
branch_config br-c 192.168.2.2 "$IKE_DIR/psk"
assert_ok vtigw_up br-c --wait=90
assert_ok wait_for 30 hub_up br-c
st=$(ctl hub status)
log "hub status: $st"
vtigw_at hub status >&2
assert_eq 3 "$(jq '[.tunnels[] | select(.up)] | length' <<<"$st")" "hub tunnels up"
assert_eq "any 198.51.100.2 false" "$(jq -r '.tunnels[] | select(.name == "br-a") | "\(.remote) \(.ike_remote_address) \(.nat_remote)"' <<<"$st")" "br-a: seen at its own address, no NAT"
for b in br-b br-c; do
  assert_eq "any 203.0.113.2 true" "$(jq -r --arg b "$b" '.tunnels[] | select(.name == $b) | "\(.remote) \(.ike_remote_address) \(.nat_remote)"' <<<"$st")" "$b: seen at the NAT's address, NAT on its side"
done
pb=$(jq -r '.tunnels[] | select(.name == "br-b") | .ike_remote_port' <<<"$st")
pc=$(jq -r '.tunnels[] | select(.name == "br-c") | .ike_remote_port' <<<"$st")
[ "$pb" != "$pc" ] || fail "br-b and br-c behind the NAT on the same port $pb"
log "ok: br-b and br-c share the NAT's address, on ports $pb and $pc"
assert_match "any=203.0.113.2" "$(vtigw_at hub status)" "hub status table: the branch's current address"
# One interface per branch, with the branch's routes; the policies are charon's, with the if_id.
for pair in "1 a" "2 b" "3 c"; do
  set -- $pair
  assert_match "dev to-$2" "$(ip -n hub route show 10.$1.0.0/24)" "hub route to br-$2's LAN via to-$2"
done
assert_eq 3 "$(ip -n hub -o link show type xfrm | grep -c ': to-[abc]@')" "hub XFRM interfaces"
for id in 11 12 13; do
  assert_ge 3 "$(ip -n hub xfrm policy | grep -c "if_id 0x$(printf '%x' $id)")" "hub policies with if_id $id (out, in, fwd)"
done

# --- branch to branch through the hub -----------------------------------------------------------
for pair in "br-a 10.2.0.1" "br-b 10.3.0.1" "br-c 10.1.0.1" "br-a 10.9.0.1"; do
  set -- $pair
  assert_ok wait_for 15 lan_ping "$1" "$2"
  log "ok: $1 -> $2 through the hub"
done
assert_ok in_ns br-b ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.3.0.1

# --- br-a reconnects from a new address ---------------------------------------------------------
old_ike=$(hub_field br-a ike_sa_id)
in_ns br-a ping -i 0.2 -W 1 -I 10.1.0.1 10.2.0.1 >"$IKE_DIR/ping-a.log" 2>&1 &
ping_pid=$!
on_exit "kill $ping_pid 2>/dev/null"
assert_ok wait_for 10 lan_ping br-a 10.2.0.1
# The old address goes first: the old daemon's DELETE cannot reach the hub, which learns of the
# new IKE_SA only from br-a's identity.
t=$(date +%s.%N)
ip -n br-a addr del 198.51.100.2/24 dev wan0
ip -n br-a addr add 198.51.100.12/24 dev wan0
ip -n br-a route replace default via 198.51.100.1
stop_vtigwd br-a
branch_config br-a 198.51.100.12 "$IKE_DIR/psk"
assert_ok vtigw_up br-a --wait=90
assert_ok wait_for 30 lan_ping br-a 10.2.0.1
log "measured: br-a from its new address: traffic back $(since "$t") s after the address change"
new_addr() { [ "$(hub_field br-a ike_remote_address)" = 198.51.100.12 ]; }
assert_ok wait_for 10 new_addr
one_ike() { [ "$(hub_field br-a ike_sas)" = 1 ]; }
assert_ok wait_for 60 one_ike
log "measured: the hub holds one IKE_SA for br-a $(since "$t") s after the address change"
[ "$(hub_field br-a ike_sa_id)" != "$old_ike" ] || fail "br-a kept its old IKE_SA #$old_ike"
assert_eq "1 true" "$(hub_field br-a ike_sas) $(hub_field br-a up)" "br-a: one IKE_SA, up"
kill "$ping_pid" 2>/dev/null
for pair in "br-b 10.1.0.1" "br-c 10.1.0.1"; do
  set -- $pair
  assert_ok wait_for 10 lan_ping "$1" "$2"
done
assert_eq 0 "$(grep -cF -- "$(cat "$IKE_DIR/psk")" "$IKE_DIR"/*.log | awk -F: '{s+=$2} END{print s}')" "PSK absent from the logs"

# --- down: nothing left -------------------------------------------------------------------------
for s in br-a br-b br-c hub; do
  pid=$(cat "$IKE_DIR/$s.pid")
  assert_ok ctl "$s" down
  assert_ok wait_for 20 gone "$pid"
  rm -f "$IKE_DIR/$s.pid"
done
for s in hub br-a br-b br-c; do
  no_xfrm_left "$s"
done
log "measured: hub-branches total $(since "$start") s"
