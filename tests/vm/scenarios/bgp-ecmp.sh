#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# BGP over two XFRM-interface tunnels between two vtigw gateways, FRR started by vtigw in each
# gateway's namespace, eBGP with BFD (profile vtigw) over both tunnels.
#
#   lan-w ------------ west ================================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 ------ 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#   t1: xfrm1 if_id 101  169.254.10.1/30 <-> 169.254.10.2/30   AS 65001 <-> AS 65002
#   t2: xfrm2 if_id 102  169.254.10.5/30 <-> 169.254.10.6/30
#
# Sessions come up over both tunnels, each LAN prefix reaches the other side with two next hops
# in the kernel, the FIB check is clean, pings cross; the peer deleting t1's CHILD_SA takes xfrm1
# down (link state) and traffic stays on t2 (the longest gap of a ping every 50 ms is printed),
# both next hops come back, five times over, with the FIB check clean each time; t1's ESP
# silently dropped on the wire takes its session down by BFD while IKE stays up (the longest gap
# is printed) and t1 rejoins when the drop is lifted; reloading the same file resets no session;
# `down` leaves no FRR daemon and no FRR file of vtigw's.
# Under TCG an frr-reload.py run starves the guest's CPU for tens of seconds: with BFD at
# 300 ms x 3 and hold 9 s a session sometimes dropped during a reload (bfdd missed its window),
# so this scenario uses BFD 1000 ms x 5 and timers 10/30.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

# bgp_config SITE N ASN PEER_ASN START LAN: SITE.json with t1 and t2; N is the site's host number.
bgp_config() {
  local site=$1 n=$2 asn=$3 peer_asn=$4 start=$5 lan=$6 peer remote
  if [ "$site" = west ]; then peer=east remote=192.0.2.2; else peer=west remote=192.0.2.1; fi
  cat >"$IKE_DIR/$site.json" <<JSON
{
  "gateway": {"name": "$site", "local": "192.0.2.$n", "underlay": "wan0"},
  "defaults": {
    "ike_proposals": ["aes256gcm16-prfsha384-x25519"],
    "esp_proposals": ["aes256gcm16-x25519"],
    "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}
  },
  "bgp": {"asn": $asn, "router_id": "10.$n.0.1", "announce": ["$lan"],
          "accept": [{"prefix": "10.0.0.0/8", "le": 24}], "maximum_paths": 4,
          "bfd_profiles": {"default": {"tx_ms": 1000, "rx_ms": 1000, "multiplier": 5}},
          "frr": {"reload_timeout": "300s"}},
  "tunnels": [
    {"name": "t1", "remote": "$remote", "local_id": "t1.$site.vtigw.test",
     "remote_id": "t1.$peer.vtigw.test", "auth": {"psk_file": "$IKE_DIR/psk"}, "kind": "xfrm",
     "interface": "xfrm1", "if_id": 101, "inside": {"local": "169.254.10.$n/30"},
     "start_action": "$start", "bgp": {"peer": "169.254.10.$((3 - n))", "peer_asn": $peer_asn, "profile": "vtigw", "keepalive": 10, "hold": 30}},
    {"name": "t2", "remote": "$remote", "local_id": "t2.$site.vtigw.test",
     "remote_id": "t2.$peer.vtigw.test", "auth": {"psk_file": "$IKE_DIR/psk"}, "kind": "xfrm",
     "interface": "xfrm2", "if_id": 102, "inside": {"local": "169.254.10.$((4 + n))/30"},
     "start_action": "$start", "bgp": {"peer": "169.254.10.$((7 - n))", "peer_asn": $peer_asn, "profile": "vtigw", "keepalive": 10, "hold": 30}}
  ]
}
JSON
}

bgp_field() { ctl "$1" status | jq -r --arg t "$2" '.tunnels[] | select(.name == $t) | .bgp.'"$3"; }
healthy() { [ "$(ctl "$1" status | jq '[.tunnels[] | select(.bgp.healthy)] | length')" = 2 ]; }
two_nexthops() { [ "$(ip -n "$1" route show "$2" | grep -c 'nexthop via')" = 2 ]; }
fib_clean() { [ "$(ctl "$1" status | jq -r '.frr.fib_check.consistent')" = true ]; }
one_nexthop() { ip -n west route show 10.2.0.0/24 | grep -q 'dev xfrm2' && ! ip -n west route show 10.2.0.0/24 | grep -q 'dev xfrm1'; }

# max_gap FILE: the longest time between two answered pings of `ping -D` output, in ms.
max_gap() {
  awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p) { g = (t - p) * 1000; if (g > m) m = g }; p = t }
                END { printf "%.0f", m }' "$1"
}

ike_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
bgp_config west 1 65001 65002 initiate 10.1.0.0/24
bgp_config east 2 65002 65001 respond 10.2.0.0/24
for s in west east; do assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"; done

t0=$(date +%s.%N)
start_vtigwd east
start_vtigwd west
assert_ok wait_for 120 all_up west 2
log "both tunnels up after $(since "$t0") s"
assert_ok wait_for 180 healthy west
assert_ok wait_for 60 healthy east
log "both BGP sessions Established with prefixes after $(since "$t0") s"
assert_eq "" "$(ctl west status | jq -r .frr.error)" "west: FRR accepted the configuration"
ctl west status >&2
vtigw_at west status >&2
for t in t1 t2; do
  assert_eq Established "$(bgp_field west "$t" state)" "west $t: BGP Established"
  assert_eq up "$(bgp_field west "$t" bfd)" "west $t: BFD up"
done
assert_ok wait_for 30 two_nexthops west 10.2.0.0/24
assert_ok wait_for 30 two_nexthops east 10.1.0.0/24
ip -n west route show 10.2.0.0/24 >&2
assert_ok wait_for 30 fib_clean west
assert_ok in_ns lan-w ping -c 3 -W 2 10.2.0.2
pgrep -a 'zebra|bgpd|staticd|bfdd' >&2

# The peer deletes t1's CHILD_SA (and IKE_SA): west's xfrm1 goes down, traffic stays on xfrm2.
in_ns lan-w ping -D -i 0.05 -W 1 -w 25 10.2.0.2 >"$IKE_DIR/ping-reset" 2>&1 &
ping_pid=$!
sleep 3
dropped_t2=$(bgp_field west t2 connections_dropped)
t1=$(date +%s.%N)
ctl east reset t1
assert_ok wait_for 20 one_nexthop
log "west: t1's next hop gone $(since "$t1") s after the peer's delete"
assert_ok wait_for 120 two_nexthops west 10.2.0.0/24
log "west: both next hops back $(since "$t1") s after the delete"
wait "$ping_pid" || true
log "failover (peer deletes the CHILD_SA, link down): longest ping gap $(max_gap "$IKE_DIR/ping-reset") ms"
assert_eq "$dropped_t2" "$(bgp_field west t2 connections_dropped)" "t2's session was not reset"
assert_ok wait_for 60 healthy west
assert_ok wait_for 30 fib_clean west

# Four more flaps of t1 (five with the one above): both next hops and a clean FIB each time.
for flap in 2 3 4 5; do
  t1=$(date +%s.%N)
  ctl east reset t1
  assert_ok wait_for 20 one_nexthop
  assert_ok wait_for 120 two_nexthops west 10.2.0.0/24
  assert_ok wait_for 60 healthy west
  assert_ok wait_for 30 fib_clean west
  log "measured: flap $flap: both next hops back $(since "$t1") s after the peer's delete"
done
assert_ok wait_for 30 two_nexthops east 10.1.0.0/24
assert_ok wait_for 30 fib_clean east

# ESP of t1 silently dropped on the wire (both directions, by SPI): IKE stays up and so does
# xfrm1; BFD takes the session down, traffic moves to t2. Lifting the drop brings t1 back.
t1_spis=$(ip -n west xfrm state | awk '/^src/ { spi = "" } /proto esp spi/ { spi = $4 } /if_id 0x65/ && spi { print spi; spi = "" }' | paste -sd, -)
assert_match '^0x[0-9a-f]+(,0x[0-9a-f]+)+$' "$t1_spis" "t1's two ESP SPIs"
on_exit "for s in west east; do ip netns exec \$s nft delete table inet bgp-test 2>/dev/null; done"
in_ns lan-w ping -D -i 0.05 -W 1 -w 30 10.2.0.2 >"$IKE_DIR/ping-bfd" 2>&1 &
ping_pid=$!
sleep 3
t1=$(date +%s.%N)
for s in west east; do
  ip netns exec "$s" nft -f - <<NFT
table inet bgp-test {
  chain in { type filter hook prerouting priority -400; esp spi { $t1_spis } drop; }
}
NFT
done
assert_ok wait_for 60 one_nexthop
log "measured: ESP dropped: t1's next hop gone $(since "$t1") s later (BFD 1000 ms x 5)"
wait "$ping_pid" || true
log "failover (ESP silently dropped, BFD): longest ping gap $(max_gap "$IKE_DIR/ping-bfd") ms"
assert_eq down "$(bgp_field west t1 bfd)" "west t1: BFD down"
assert_eq true "$(ctl west status | jq '.tunnels[] | select(.name == "t1") | .up')" "t1's IKE and CHILD_SA stay up"
for s in west east; do ip netns exec "$s" nft delete table inet bgp-test; done
t1=$(date +%s.%N)
assert_ok wait_for 180 two_nexthops west 10.2.0.0/24
log "measured: ESP let through again: both next hops back $(since "$t1") s later"
assert_ok wait_for 60 healthy west
assert_ok wait_for 30 fib_clean west

# The same file again: no session reset.
d1=$(bgp_field west t1 connections_dropped)
d2=$(bgp_field west t2 connections_dropped)
assert_ok vtigw_at west reload
sleep 5
grep -hiE 'down|reset|bfd' /run/frr/vtigw-west/bgpd.log | tail -8 >&2 || true
assert_eq "$d1" "$(bgp_field west t1 connections_dropped)" "reload kept t1's session"
assert_eq "$d2" "$(bgp_field west t2 connections_dropped)" "reload kept t2's session"

# down: no FRR daemon, no FRR file of vtigw's.
for s in west east; do assert_ok ctl "$s" down; done
assert_eq "" "$(pgrep -a 'zebra|bgpd|staticd|bfdd|watchfrr' || true)" "no FRR daemon left"
assert_eq "" "$(ls "$IKE_DIR/frr" /run/frr 2>/dev/null | grep vtigw || true)" "no FRR file of vtigw's left"
