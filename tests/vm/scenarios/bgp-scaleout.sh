#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale-out: two vtigw gateways (gwa, gwb: same ASN, distinct router IDs) announce the same site
# prefix to a hub (a third vtigw) over one XFRM-interface tunnel each, eBGP with BFD; FRR is
# started by vtigw in each gateway's namespace.
#
#                                  192.0.2.254   198.51.100.254     .1 gwa lan0 10.2.1.1 --- eth-a 10.2.1.2
#   lan-h --------- hub --- wan0 ------- inet ------------------- wan0     ic0 10.2.9.1              \
#   10.1.0.2/24  10.1.0.1  192.0.2.1          \  203.0.113.254                |                  lan-s (10.2.0.2 on lo)
#   (+10.1.0.10-29)                            ------------------- wan0     ic0 10.2.9.2              /
#                                                                   .1 gwb lan0 10.2.2.1 --- eth-b 10.2.2.2
#   hub AS 65100: to-gwa xfrm1 if_id 101 169.254.10.1/30 <-> gwa AS 65200 xfrm1 169.254.10.2/30
#                 to-gwb xfrm2 if_id 102 169.254.10.5/30 <-> gwb AS 65200 xfrm1 169.254.10.6/30
#
# The site's LAN side (docs/scale-out.md): lan-s (a LAN router holding the site host's address)
# has an ECMP default route via gwa and gwb on separate links with
# ignore_routes_with_linkdown=1, so a gateway whose link dies is skipped at once; each gateway
# reaches the site prefix 10.2.0.0/16 through its LAN link and has a less specific fallback
# 10.0.0.0/8 via the other gateway over the interconnect ic0 (the BGP-learned 10.1.0.0/24 wins
# while present), so return traffic that lands on a gateway without a tunnel is handed over;
# rp_filter is loose (2) on the gateways since that hand-over arrives on ic0.
# The hub installs 10.2.0.0/16 with two next hops. lan-h pings 10.2.0.2 every 50 ms from a source
# address whose flow both ECMP routers (hub and lan-s) hash onto gwa; the longest gap is printed.
# (1) gwa cut off (all its links down): the hub's BFD drops gwa's path while gwa's IKE_SA still
# stands (so BFD, not IKE or the hold timer, detected it); traffic goes on via gwb; gwa's links
# back: it rejoins (two next hops).
# Not here: gwa's vtigw stopped by SIGTERM. The hub drops the path, but gwa's route into its
# tunnel stays until its FRR has stopped, and in the runs so far the replies lan-s hashed onto gwa
# did not come back through the fallback even after the exit (docs/scale-out.md, "Stopping a
# gateway").
# BFD 1000 ms x 5 and timers 10/30 as in bgp-ecmp.sh: under TCG frr-reload.py starves the CPU.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
GATEWAYS=(hub gwa gwb)
HOLD=30

# show_all_logs: the three daemons' status and logs and the tail of each bgpd log, indented.
show_all_logs() {
  local s
  for s in "${GATEWAYS[@]}"; do
    [ -f "$IKE_DIR/$s.log" ] || continue
    log "--- vtigwd $s log" 2>&7
    sed 's/^/    /' "$IKE_DIR/$s.log" >&7
    [ -f "/run/frr/vtigw-$s/bgpd.log" ] || continue
    log "--- bgpd $s log (tail)" 2>&7
    tail -40 "/run/frr/vtigw-$s/bgpd.log" | sed 's/^/    /' >&7
  done
}
on_exit show_all_logs

# show_status: the three daemons' status (registered after they start, so it runs before they
# are stopped).
show_status() {
  local s
  for s in "${GATEWAYS[@]}"; do
    [ -S "$IKE_DIR/$s.sock" ] || continue
    log "--- $s status" 2>&7
    { vtigw_at "$s" status; ctl "$s" status | jq -c .frr; } 2>&1 | sed 's/^/    /' >&7
  done
}

# start_gw NAME: the gateway's daemon in its namespace (start_vtigwd without --verbose: charon's
# debug logging of three daemons costs the TCG guest seconds of CPU).
start_gw() {
  local site=$1
  ip netns exec "$site" "$VTIGW" run -c "$IKE_DIR/$site.json" --control "$IKE_DIR/$site.sock" \
    >>"$IKE_DIR/$site.log" 2>&1 &
  echo "$!" >"$IKE_DIR/$site.pid"
  on_exit "stop_vtigwd $site"
  wait_for 30 started "$!" "$IKE_DIR/$site.sock" && test -S "$IKE_DIR/$site.sock" ||
    { sed 's/^/    /' "$IKE_DIR/$site.log" >&2; fail "vtigwd $site did not start"; }
}

# wait_slow SECONDS CMD…: wait_for polling every 2 s, for long waits (each status query starts
# a vtigw process, which the busy guest feels).
wait_slow() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 2
  done
}

# gw_json NAME LOCAL ASN ROUTER_ID ANNOUNCE ACCEPT TUNNEL_JSON…: $IKE_DIR/NAME.json.
gw_json() {
  local name=$1 local=$2 asn=$3 rid=$4 announce=$5 accept=$6; shift 6
  local tunnels
  tunnels=$(IFS=,; echo "$*")
  cat >"$IKE_DIR/$name.json" <<JSON
{
  "gateway": {"name": "$name", "local": "$local", "underlay": "wan0"},
  "defaults": {
    "ike_proposals": ["aes256gcm16-prfsha384-x25519"],
    "esp_proposals": ["aes256gcm16-x25519"],
    "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}
  },
  "bgp": {"asn": $asn, "router_id": "$rid", "announce": ["$announce"], "accept": ["$accept"],
          "maximum_paths": 4,
          "bfd_profiles": {"default": {"tx_ms": 1000, "rx_ms": 1000, "multiplier": 5}},
          "frr": {"reload_timeout": "300s"}},
  "tunnels": [$tunnels]
}
JSON
}

# tunnel_json NAME REMOTE LOCAL_ID REMOTE_ID IFNAME IF_ID INSIDE PEER PEER_ASN START
tunnel_json() {
  cat <<JSON
    {"name": "$1", "remote": "$2", "local_id": "$3", "remote_id": "$4",
     "auth": {"psk_file": "$IKE_DIR/psk"}, "kind": "xfrm", "interface": "$5", "if_id": $6,
     "inside": {"local": "$7"}, "start_action": "${10}",
     "bgp": {"peer": "$8", "peer_asn": $9, "profile": "vtigw", "keepalive": 10, "hold": $HOLD}}
JSON
}

# gw_routes GW N: the gateway's own underlay and LAN routes (what the machine's network
# configuration would hold): default to the internet, the site prefix via its LAN link, the
# fallback to everything else via the other gateway over the interconnect.
gw_routes() {
  local gw=$1 n=$2 wan_gw=$3
  ip -n "$gw" route replace default via "$wan_gw" dev wan0
  ip -n "$gw" route replace 10.2.0.0/16 via "10.2.$n.2" dev lan0
  ip -n "$gw" route replace 10.0.0.0/8 via "10.2.9.$((3 - n))" dev ic0
}

scaleout_topology() {
  local ns i
  for ns in lan-h hub inet gwa gwb lan-s; do netns_add "$ns"; done
  veth_pair lan-h eth0 hub lan0
  veth_pair hub wan0 inet h0
  veth_pair gwa wan0 inet a0
  veth_pair gwb wan0 inet b0
  veth_pair gwa lan0 lan-s eth-a
  veth_pair gwb lan0 lan-s eth-b
  veth_pair gwa ic0 gwb ic0
  for ns in hub inet gwa gwb; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done
  ip -n inet addr add 192.0.2.254/24 dev h0
  ip -n inet addr add 198.51.100.254/24 dev a0
  ip -n inet addr add 203.0.113.254/24 dev b0
  ip -n lan-h addr add 10.1.0.2/24 dev eth0
  for i in $(seq 10 29); do ip -n lan-h addr add "10.1.0.$i/24" dev eth0; done
  ip -n lan-h route add default via 10.1.0.1
  ip -n hub addr add 10.1.0.1/24 dev lan0
  ip -n hub addr add 192.0.2.1/24 dev wan0
  ip -n hub route add default via 192.0.2.254
  ip -n gwa addr add 198.51.100.1/24 dev wan0
  ip -n gwb addr add 203.0.113.1/24 dev wan0
  for i in 1 2; do
    ns=gw$( [ "$i" = 1 ] && echo a || echo b)
    ip -n "$ns" addr add "10.2.$i.1/24" dev lan0
    ip -n "$ns" addr add "10.2.9.$i/30" dev ic0
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2
  done
  gw_routes gwa 1 198.51.100.254
  gw_routes gwb 2 203.0.113.254
  ip -n lan-s addr add 10.2.0.2/32 dev lo
  ip -n lan-s addr add 10.2.1.2/24 dev eth-a
  ip -n lan-s addr add 10.2.2.2/24 dev eth-b
  ip netns exec lan-s sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
    net.ipv4.conf.eth-a.ignore_routes_with_linkdown=1 net.ipv4.conf.eth-b.ignore_routes_with_linkdown=1
  ip -n lan-s route add default nexthop via 10.2.1.1 dev eth-a nexthop via 10.2.2.1 dev eth-b
}

bgp_of() { ctl "$1" status | jq -r --arg t "$2" '.tunnels[] | select(.name == $t) | .bgp.'"$3"; }
healthy_count() { ctl "$1" status | jq '[.tunnels[] | select(.bgp.healthy)] | length'; }
healthy() { [ "$(healthy_count "$1")" = "$2" ]; }
# hub_paths: the hub's next-hop devices for the site prefix, sorted, one line.
hub_paths() { ip -n hub route show 10.2.0.0/16 | grep -o 'dev xfrm[0-9]*' | awk '{print $2}' | sort | paste -sd' ' -; }
hub_both() { [ "$(hub_paths)" = "xfrm1 xfrm2" ]; }
hub_gwb_only() { [ "$(hub_paths)" = "xfrm2" ]; }
fib_clean() { [ "$(ctl "$1" status | jq -r '.frr.fib_check.consistent')" = true ]; }
# hub_bfd_down PEER: FRR's own BFD state of the hub's session with PEER is down (asked of FRR:
# vtigw's status polls FRR every 3 s, later still under load).
hub_bfd_down() {
  [ "$(in_ns hub timeout 60 vtysh -N vtigw-hub -c 'show bfd peers json' 2>/dev/null |
        jq -r --arg p "$1" '.[] | select(.peer == $p) | .status')" = down ]
}
counter() { ip -n "$1" -j -s link show "$2" | jq ".[0].stats64.$3.packets"; }

# pick_source: a lan-h address whose flow to 10.2.0.2 the hub hashes onto xfrm1 (gwa) and whose
# replies lan-s hashes onto eth-a (gwa), as the kernel's own lookups say.
pick_source() {
  local i
  for i in $(seq 10 29); do
    ip -n hub route get 10.2.0.2 from "10.1.0.$i" iif lan0 | grep -q 'dev xfrm1' || continue
    ip -n lan-s route get "10.1.0.$i" from 10.2.0.2 | grep -q 'dev eth-a' || continue
    echo "10.1.0.$i"
    return 0
  done
  return 1
}

# flow_via_gwa SRC: 40 pings from SRC cross gwa both ways (its xfrm1 carries them in and out)
# and not gwb (BFD and BGP add the same few packets to both).
flow_via_gwa() {
  local a_rx a_tx b_tx
  a_rx=$(counter gwa xfrm1 rx) a_tx=$(counter gwa xfrm1 tx) b_tx=$(counter gwb xfrm1 tx)
  assert_ok in_ns lan-h ping -q -c 40 -i 0.05 -W 2 -I "$1" 10.2.0.2
  a_rx=$(($(counter gwa xfrm1 rx) - a_rx)) a_tx=$(($(counter gwa xfrm1 tx) - a_tx))
  b_tx=$(($(counter gwb xfrm1 tx) - b_tx))
  assert_ge 36 "$a_rx" "gwa's xfrm1 received the requests"
  assert_ge 30 $((a_tx - b_tx)) "gwa's xfrm1 sent the replies ($a_tx packets; gwb's $b_tx: BFD and BGP)"
}

# ping_start SRC FILE SECONDS: a ping every 50 ms in the background; sets ping_pid and ping_end
# (when its deadline ends it).
ping_start() {
  ping_end=$(awk -v t="$(date +%s.%N)" -v w="$3" 'BEGIN { printf "%.3f", t + w }')
  in_ns lan-h ping -D -i 0.05 -W 1 -w "$3" -I "$1" 10.2.0.2 >"$2" 2>&1 &
  ping_pid=$!
}

# max_gap FILE: the longest time between two answered pings of `ping -D` output, in ms.
max_gap() {
  awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p) { g = (t - p) * 1000; if (g > m) m = g }; p = t }
                END { printf "%.0f", m }' "$1"
}
# replied_after FILE T: the ping output holds a reply later than T (epoch seconds).
replied_after() { awk -v t="$2" -F'[][]' '/bytes from/ && $2 + 0 > t + 0 { f = 1 } END { exit !f }' "$1"; }
# last_reply FILE: the time of the last answered ping (epoch seconds).
last_reply() { awk -F'[][]' '/bytes from/ { t = $2 } END { print t }' "$1"; }

# ping_verdict FILE WHAT: waits for the ping, prints its longest gap and asserts it below the hold
# time and that the ping was still answered at its end.
ping_verdict() {
  local gap tail
  wait "$ping_pid" || true
  gap=$(max_gap "$1")
  tail=$(awk -v a="$(last_reply "$1")" -v b="$ping_end" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  log "measured: $2: longest ping gap $gap ms ($(grep -c 'bytes from' "$1") replies)"
  assert_ge 1 $((HOLD * 1000 - gap)) "$2: gap below the BGP hold time ($HOLD s)"
  assert_ge 1 $((3000 - tail)) "$2: still answered at the end (last reply $tail ms before)"
}

t_start=$(date +%s.%N)
scaleout_topology
warm_up_crypto
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
gw_json hub 192.0.2.1 65100 10.1.0.1 10.1.0.0/24 10.2.0.0/16 \
  "$(tunnel_json to-gwa 198.51.100.1 hub-a.vtigw.test gwa.vtigw.test xfrm1 101 169.254.10.1/30 169.254.10.2 65200 respond)" \
  "$(tunnel_json to-gwb 203.0.113.1 hub-b.vtigw.test gwb.vtigw.test xfrm2 102 169.254.10.5/30 169.254.10.6 65200 respond)"
gw_json gwa 198.51.100.1 65200 10.2.1.1 10.2.0.0/16 10.1.0.0/24 \
  "$(tunnel_json to-hub 192.0.2.1 gwa.vtigw.test hub-a.vtigw.test xfrm1 101 169.254.10.2/30 169.254.10.1 65100 initiate)"
gw_json gwb 203.0.113.1 65200 10.2.2.1 10.2.0.0/16 10.1.0.0/24 \
  "$(tunnel_json to-hub 192.0.2.1 gwb.vtigw.test hub-b.vtigw.test xfrm1 102 169.254.10.6/30 169.254.10.5 65100 initiate)"
for s in "${GATEWAYS[@]}"; do assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"; done

t0=$(date +%s.%N)
for s in "${GATEWAYS[@]}"; do start_gw "$s"; done
on_exit show_status
assert_ok wait_slow 180 all_up hub 2
log "both tunnels up at the hub after $(since "$t0") s"
assert_ok wait_slow 600 healthy hub 2
assert_ok wait_slow 60 healthy gwa 1
assert_ok wait_slow 60 healthy gwb 1
log "measured: three BGP sessions healthy $(since "$t0") s after start"
vtigw_at hub status >&2
assert_ok wait_for 30 hub_both
ip -n hub route show 10.2.0.0/16 >&2
for s in gwa gwb; do
  assert_match 'dev xfrm1' "$(ip -n "$s" route show 10.1.0.0/24 proto bgp)" "$s: the hub's LAN via its tunnel (BGP)"
done
assert_ok wait_slow 120 fib_clean hub
in_ns hub timeout 60 vtysh -N vtigw-hub -c 'show ip bgp 10.2.0.0/16' >&2 || true

# (1) gwa cut off: all its links down. lan-s skips the dead link (linkdown); the hub's BFD drops
# the path; gwa's IKE_SA still stands at the hub when it does.
src=$(pick_source) || fail "no lan-h address hashed onto gwa both ways"
log "ping source $src: hashed onto gwa by the hub and by lan-s"
flow_via_gwa "$src"
b_tx=$(counter gwb xfrm1 tx)
ping_start "$src" "$IKE_DIR/ping-cut" 30
sleep 2
t1=$(date +%s.%N)
for l in wan0 lan0 ic0; do ip -n gwa link set "$l" down; done
assert_ok wait_for 60 hub_gwb_only
log "measured: gwa cut off: the hub dropped its path $(since "$t1") s later (BFD 1000 ms x 5)"
assert_eq true "$(ip -n hub -j link show xfrm1 | jq '.[0].flags | index("UP") != null')" "hub: xfrm1 still up, gwa's CHILD_SA installed (BFD, not IKE, detected it)"
assert_ok wait_for 30 hub_bfd_down 169.254.10.2
ip -n lan-s route show default >&2
ping_verdict "$IKE_DIR/ping-cut" "gwa cut off (BFD)"
assert_ge 100 $(($(counter gwb xfrm1 tx) - b_tx)) "gwb carried the replies"
for l in wan0 lan0 ic0; do ip -n gwa link set "$l" up; done
gw_routes gwa 1 198.51.100.254
t1=$(date +%s.%N)
assert_ok wait_slow 300 hub_both
log "measured: gwa's links back: it rejoined (two next hops at the hub) $(since "$t1") s later"
assert_ok wait_slow 120 healthy hub 2
assert_ok wait_slow 120 fib_clean hub

for s in "${GATEWAYS[@]}"; do assert_ok ctl "$s" down; done
for s in "${GATEWAYS[@]}"; do
  pid=$(cat "$IKE_DIR/$s.pid")
  assert_ok wait_for 60 gone "$pid"
  rm -f "$IKE_DIR/$s.pid"
done
assert_eq "" "$(pgrep -a 'zebra|bgpd|staticd|bfdd|watchfrr' || true)" "no FRR daemon left"
log "measured: scale-out scenario total $(since "$t_start") s"
