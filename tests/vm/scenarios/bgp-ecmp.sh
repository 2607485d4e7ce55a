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
# is printed) and t1 rejoins when the drop is lifted; 16 parallel TCP flows (iperf3, L4
# multipath hashing) raise both tunnels' TX counters; the failover gaps are measured over four
# ping flows from distinct LAN addresses, two of them hashed onto t1; reloading the same file
# resets no session; `plan` for a file with one more announced prefix shows exactly its FRR lines,
# the reload applying it resets no session and the prefix reaches the peer; a file that passes
# `check` but holds an FRR line FRR refuses (bgp.frr.extra_config) is refused by reload with
# FRR's reason in status, sessions and FRR's running configuration untouched;
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
# t1_dropped N: west's t1 session dropped more than N times. A peer's delete can be renegotiated
# within seconds, faster than a polled single-next-hop window under a loaded host.
t1_dropped() { [ "$(bgp_field west t1 connections_dropped)" -gt "$1" ]; }

# max_gap FILE: the longest time between two answered pings of `ping -D` output, in ms.
max_gap() {
  awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p) { g = (t - p) * 1000; if (g > m) m = g }; p = t }
                END { printf "%.0f", m }' "$1"
}

# Ping flows from several lan-w addresses: with L4 multipath hashing each source address is its own
# flow. FLOWS holds two sources the kernel hashes onto xfrm1 and two onto xfrm2 (chosen with
# `ip route get`, which runs the same hash as forwarding), so a failover always hits a flow.
declare -A flow_dev
pick_flows() {
  local a dev n1=0 n2=0
  FLOWS=()
  for a in 10.1.0.{3..18}; do
    dev=$(ip -n west route get 10.2.0.2 from "$a" iif lan0 ipproto icmp | grep -o 'dev xfrm[12]' | cut -d' ' -f2 || true)
    if [ "$dev" = xfrm1 ] && [ "$n1" -lt 2 ]; then n1=$((n1 + 1)); elif [ "$dev" = xfrm2 ] && [ "$n2" -lt 2 ]; then n2=$((n2 + 1)); else continue; fi
    FLOWS+=("$a"); flow_dev[$a]=$dev
    [ "$n1$n2" = 22 ] && break
  done
  assert_eq "2 2" "$n1 $n2" "ping flows hashed onto xfrm1 and xfrm2 (${FLOWS[*]})"
}
# flows_start NAME SECONDS: one ping every 50 ms from each flow's address, in the background.
flows_start() {
  local a
  flow_pids=()
  for a in "${FLOWS[@]}"; do
    in_ns lan-w ping -D -I "$a" -i 0.05 -W 1 -w "$2" 10.2.0.2 >"$IKE_DIR/ping-$1-$a" 2>&1 &
    flow_pids+=($!)
  done
}
# flows_gaps NAME CASE: waits for the pings; logs the longest gap of every flow and over all flows.
flows_gaps() {
  local a g m=0 per=""
  wait "${flow_pids[@]}" || true
  for a in "${FLOWS[@]}"; do
    g=$(max_gap "$IKE_DIR/ping-$1-$a")
    per+=" $a/${flow_dev[$a]}=${g}ms"
    [ "$g" -gt "$m" ] && m=$g
  done
  log "failover ($2): longest ping gap over ${#FLOWS[@]} flows $m ms (per flow:$per)"
  FLOWS_MAX=$m
}
# tx_bytes NS IFACE: bytes sent on an interface.
tx_bytes() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/tx_bytes"; }
# frr_running SITE: FRR's running configuration at SITE (vtysh on vtigw's pathspace).
frr_running() { ip netns exec "$1" timeout 60 vtysh --config_dir "$IKE_DIR/frr" -N "vtigw-$1" -c 'show running-config'; }

ike_topology
# L4 multipath hashing: parallel TCP flows between the same two hosts spread over both tunnels.
for s in west east; do ip netns exec "$s" sysctl -qw net.ipv4.fib_multipath_hash_policy=1; done
for a in {3..18}; do ip -n lan-w addr add "10.1.0.$a/24" dev eth0; done
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
bgp_config west 1 65001 65002 initiate 10.1.0.0/24
bgp_config east 2 65002 65001 respond 10.2.0.0/24
for s in west east; do assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"; done

t0=$(date +%s.%N)
start_vtigwd east
start_vtigwd west
assert_ok wait_for 120 all_up west 2
log "both tunnels up after $(since "$t0") s"
assert_ok wait_for 480 healthy west
assert_ok wait_for 120 healthy east
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

# 16 parallel TCP flows lan-w -> lan-e: both tunnels carry a share (all 16 hashed onto one path:
# probability 2^-15).
in_ns lan-e iperf3 -s -1 >"$IKE_DIR/iperf-server" 2>&1 &
iperf_pid=$!
on_exit "kill $iperf_pid"
iperf_listening() { in_ns lan-e ss -Hltn 'sport = :5201' | grep -q .; }
assert_ok wait_for 20 iperf_listening
tx1=$(tx_bytes west xfrm1) tx2=$(tx_bytes west xfrm2)
assert_ok in_ns lan-w timeout 120 iperf3 -c 10.2.0.2 -P 16 -t 3 -J --logfile "$IKE_DIR/iperf.json"
dx1=$(( $(tx_bytes west xfrm1) - tx1 )) dx2=$(( $(tx_bytes west xfrm2) - tx2 ))
log "measured: iperf3 -P 16: $(jq -r '.end.sum_received.bits_per_second / 1e6 | floor' "$IKE_DIR/iperf.json") Mbit/s; west TX xfrm1 $dx1 bytes, xfrm2 $dx2 bytes"
assert_ge 100000 "$dx1" "xfrm1 carried part of the TCP flows (TX bytes)"
assert_ge 100000 "$dx2" "xfrm2 carried part of the TCP flows (TX bytes)"
pick_flows

# The peer deletes t1's CHILD_SA (and IKE_SA): west's xfrm1 goes down, traffic stays on xfrm2.
flows_start reset 25
sleep 3
dropped_t2=$(bgp_field west t2 connections_dropped)
dropped_t1=$(bgp_field west t1 connections_dropped)
t1=$(date +%s.%N)
ctl east reset t1
assert_ok wait_for 60 t1_dropped "$dropped_t1"
log "west: t1's session dropped $(since "$t1") s after the peer's delete"
assert_ok wait_for 120 two_nexthops west 10.2.0.0/24
log "west: both next hops back $(since "$t1") s after the delete"
flows_gaps reset "peer deletes the CHILD_SA, link down"
assert_eq "$dropped_t2" "$(bgp_field west t2 connections_dropped)" "t2's session was not reset"
assert_ok wait_for 60 healthy west
assert_ok wait_for 30 fib_clean west

# Four more flaps of t1 (five with the one above): both next hops and a clean FIB each time.
for flap in 2 3 4 5; do
  dropped_t1=$(bgp_field west t1 connections_dropped)
  t1=$(date +%s.%N)
  ctl east reset t1
  assert_ok wait_for 60 t1_dropped "$dropped_t1"
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
flows_start bfd 30
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
flows_gaps bfd "ESP silently dropped, BFD"
assert_ge 2000 "$FLOWS_MAX" "the flows on t1 waited for BFD's detection (longest gap, ms)"
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

# One more announced prefix (routable: a connected LAN): plan shows exactly its FRR lines (against
# FRR's running configuration), the reload applying it resets no session, and east learns it.
ip -n west addr add 10.1.1.1/24 dev lan0
jq '.bgp.announce += ["10.1.1.0/24"]' "$IKE_DIR/west.json" >"$IKE_DIR/west-more.json"
plan=$(vtigw_at west plan -c "$IKE_DIR/west-more.json" --json)
vtigw_at west plan -c "$IKE_DIR/west-more.json" >&2
assert_eq "add router bgp 65001 > address-family ipv4 unicast > network 10.1.1.0/24
add ip prefix-list vtigw-announce seq 10 permit 10.1.1.0/24" \
  "$(jq -r '.frr.changes[] | .action + " " + .path' <<<"$plan")" "plan: FRR's changes for the added prefix"
log "plan: kernel changes and tunnel actions: $(jq -r '[(.changes | map(select(.scope == "kernel")) | length), (.changes | map(select(.scope == "ike") | .action) | join(","))] | join(" ")' <<<"$plan")"
t1=$(date +%s.%N)
assert_ok vtigw_at west reload -c "$IKE_DIR/west-more.json"
log "measured: reload adding a prefix took $(since "$t1") s"
east_learned() { ip -n east route show 10.1.1.0/24 | grep -q 'nexthop via'; }
assert_ok wait_for 180 east_learned
log "measured: east has 10.1.1.0/24 with two next hops $(since "$t1") s after the reload began"
assert_ok wait_for 30 two_nexthops east 10.1.1.0/24
assert_ok in_ns lan-e ping -c 3 -W 2 10.1.1.1
assert_eq "$d1" "$(bgp_field west t1 connections_dropped)" "adding a prefix kept t1's session"
assert_eq "$d2" "$(bgp_field west t2 connections_dropped)" "adding a prefix kept t2's session"
assert_eq "0" "$(vtigw_at west plan -c "$IKE_DIR/west-more.json" --json | jq '.frr.changes | length')" "plan after the reload: FRR has nothing left to change"

# A file `check` accepts, with an FRR line FRR refuses (distance 300: FRR allows 1-255): reload
# fails with FRR's reason, status keeps it, no session is reset and FRR's configuration stays.
jq '.bgp.frr.extra_config = ["ip route 10.9.0.0/24 xfrm1 300"]' "$IKE_DIR/west-more.json" >"$IKE_DIR/west-bad.json"
assert_ok "$VTIGW" check -c "$IKE_DIR/west-bad.json"
before=$(frr_running west)
t1=$(date +%s.%N)
rc=0; out=$(vtigw_at west reload -c "$IKE_DIR/west-bad.json" 2>&1) || rc=$?
log "reload of the refused file: exit $rc after $(since "$t1") s: $out"
assert_eq 1 "$rc" "reload refused (exit 1)"
assert_match 'Unknown command: ip route 10.9.0.0/24 xfrm1 300' "$out" "reload names FRR's reason"
assert_match 'Unknown command: ip route 10.9.0.0/24 xfrm1 300' "$(ctl west status | jq -r .frr.error)" "status .frr.error holds FRR's reason"
assert_eq "$before" "$(frr_running west)" "FRR's running configuration unchanged"
assert_eq "$d1" "$(bgp_field west t1 connections_dropped)" "the refused reload kept t1's session"
assert_eq "$d2" "$(bgp_field west t2 connections_dropped)" "the refused reload kept t2's session"
assert_ok healthy west

# down: no FRR daemon, no FRR file of vtigw's.
for s in west east; do assert_ok ctl "$s" down; done
assert_eq "" "$(pgrep -a 'zebra|bgpd|staticd|bfdd|watchfrr' || true)" "no FRR daemon left"
assert_eq "" "$(ls "$IKE_DIR/frr" /run/frr 2>/dev/null | grep vtigw || true)" "no FRR file of vtigw's left"
