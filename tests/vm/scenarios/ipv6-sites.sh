#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IPv6 inside and outside tunnels, negotiated by the vtigw daemons with IKEv2: one gateway pair
# whose tunnels mix IPv4 and IPv6 outer addresses.
#
#   lan-w ------------ west ============================= east ------------ lan-e
#   10.1.0.2/24        192.0.2.1                          192.0.2.2          10.2.0.2/24
#   fd00:1::2/64       2001:db8:1::1                      2001:db8:1::2      fd00:2::2/64
#   fd00:1:6::2/64                                        2001:db8:1::3      fd00:2:6::2/64
#   fd00:1:7::2/64                                                           fd00:2:7::2/64
#
#   d4: vti4  (vti,  mark 41)  192.0.2.1     <-> 192.0.2.2      dual-stack inside
#       10.255.0.1/30, fd00:ff:4::1/126; routes 10.2.0.0/24 and fd00:2::/64
#   v6: vti6a (vti6, mark 61)  2001:db8:1::1 <-> 2001:db8:1::2  fd00:ff:6::1/126; fd00:2:6::/64
#   x6: xfrm6 (xfrm, if_id 71) 2001:db8:1::1 <-> 2001:db8:1::3  10.255.7.1/30, fd00:ff:7::1/126;
#       fd00:2:7::/64
#
# Each LAN host has one IPv6 address per tunnel, so each tunnel carries its own LAN-to-LAN traffic.
# IPv4 and IPv6 pings and TCP transfers cross each tunnel as ESP (IPv4 outer for d4, IPv6 outer for
# the others), counted on that tunnel; forwarded IPv6 SYNs are clamped to the tunnel's IPv6 MSS
# (MTU - 60) in both directions, IPv4 SYNs on the dual-stack tunnel to MTU - 40.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

# site_json SITE PEER N LOCALS REMOTE4 REMOTE_V6 REMOTE_X6 LAN START [X6_LOCAL]: SITE.json; N is the
# site's host number in the inside prefixes, LAN the other site's LAN number (1 or 2).
site_json() {
  local s=$1 p=$2 n=$3 locals=$4 r4=$5 rv=$6 rx=$7 lan=$8 start=$9 xl=${10:-}
  cat >"$IKE_DIR/$s.json" <<JSON
{
  "gateway": {"name": "$s", "local": [$locals], "underlay": "wan0"},
  "defaults": {
    "ike_proposals": ["aes256gcm16-prfsha384-x25519"],
    "esp_proposals": ["aes256gcm16-x25519"],
    "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}
  },
  "tunnels": [
$(tunnel_json d4 vti vti4 mark 41 "{\"local\": \"10.255.0.$n/30\", \"local6\": \"fd00:ff:4::$n/126\"}" \
  "{\"prefix\": \"10.$lan.0.0/24\"}, {\"prefix\": \"fd00:$lan::/64\"}" "$start" "$r4" "$s" "$p"),
$(tunnel_json v6 vti vti6a mark 61 "{\"local6\": \"fd00:ff:6::$n/126\"}" "{\"prefix\": \"fd00:$lan:6::/64\"}" \
  "$start" "$rv" "$s" "$p"),
$(tunnel_json x6 xfrm xfrm6 if_id 71 "{\"local\": \"10.255.7.$n/30\", \"local6\": \"fd00:ff:7::$n/126\"}" \
  "{\"prefix\": \"fd00:$lan:7::/64\"}" "$start" "$rx" "$s" "$p" "$xl")
  ]
}
JSON
}

ike_topology
for ns in west east; do in_ns "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1; done
ip -n west addr add 2001:db8:1::1/64 dev wan0 nodad
ip -n east addr add 2001:db8:1::2/64 dev wan0 nodad
ip -n east addr add 2001:db8:1::3/64 dev wan0 nodad
for k in 1 2; do
  gw=$([ "$k" = 1 ] && echo west || echo east) host=$([ "$k" = 1 ] && echo lan-w || echo lan-e)
  for sub in "" ":6" ":7"; do
    ip -n "$gw" addr add "fd00:$k$sub::1/64" dev lan0 nodad
    ip -n "$host" addr add "fd00:$k$sub::2/64" dev eth0 nodad
  done
  ip -n "$host" -6 route add default via "fd00:$k::1"
done
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"

site_json west east 1 '"192.0.2.1", "2001:db8:1::1"' 192.0.2.2 2001:db8:1::2 2001:db8:1::3 2 initiate
site_json east west 2 '"192.0.2.2", "2001:db8:1::2", "2001:db8:1::3"' 192.0.2.1 2001:db8:1::1 \
  2001:db8:1::1 1 respond 2001:db8:1::3
for s in west east; do assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"; done

# `check` refuses what cannot work, naming the field: a VTI on the XFRM tunnel's IPv6 outer
# addresses, and an IPv6 outer address over an underlay MTU IPv6 cannot use.
jq '.tunnels[2].remote = "2001:db8:1::2"' "$IKE_DIR/west.json" >"$IKE_DIR/bad.json"
out=$("$VTIGW" check -c "$IKE_DIR/bad.json" 2>&1) && fail "check accepted a vti6 sharing outer addresses: $out"
assert_match 'tunnels/2/remote.*one of them is a VTI' "$out" "check names the IPv6 tunnel sharing a vti6's outer addresses"
jq '.tunnels[2] += {"underlay_mtu": 1200, "inside": {"local": "10.255.7.1/30"}, "routes": []}' \
  "$IKE_DIR/west.json" >"$IKE_DIR/bad.json"
out=$("$VTIGW" check -c "$IKE_DIR/bad.json" 2>&1) && fail "check accepted IPv6 outer addresses over MTU 1200: $out"
assert_match 'tunnels/2/underlay_mtu.*1280' "$out" "check names the underlay MTU too small for IPv6 outer addresses"

# The MSS each tunnel clamps to, as `check` derives it.
declare -A mss4 mss6
derived=$("$VTIGW" check --json -c "$IKE_DIR/west.json")
for t in d4 v6 x6; do
  mss4[$t]=$(jq -r --arg t "$t" '.tunnels[] | select(.name == $t) | .mss_ipv4' <<<"$derived")
  mss6[$t]=$(jq -r --arg t "$t" '.tunnels[] | select(.name == $t) | .mss_ipv6' <<<"$derived")
done
log "derived MSS: d4 ${mss4[d4]}/${mss6[d4]}, v6 ${mss6[v6]}, x6 ${mss6[x6]}"

start_vtigwd east
start_vtigwd west
t0=$(date +%s.%N)
assert_ok wait_for 120 all_up west 3
assert_ok wait_for 30 all_up east 3
log "measured: 3 tunnels up on both sites $(since "$t0") s after west started"

# Kernel objects: a vti for the IPv4 outer pair, a vti6 and an XFRM interface for the IPv6 ones,
# IPv6 inside addresses and routes on each, SAs between the IPv6 outer addresses.
for s in west east; do
  n=$([ "$s" = west ] && echo 1 || echo 2)
  assert_match 'vti remote 192\.0\.2\.' "$(ip -n "$s" -d link show vti4)" "$s vti4 is a vti"
  assert_match 'vti6 remote 2001:db8:1::' "$(ip -n "$s" -d link show vti6a)" "$s vti6a is a vti6"
  assert_match 'xfrm if_id 0x47' "$(ip -n "$s" -d link show xfrm6)" "$s xfrm6 has if_id 71"
  assert_match "inet6 fd00:ff:4::$n/126" "$(ip -n "$s" -6 addr show dev vti4)" "$s vti4 has its IPv6 inside address"
  assert_match "inet 10.255.0.$n/30" "$(ip -n "$s" -4 addr show dev vti4)" "$s vti4 has its IPv4 inside address"
  assert_match "inet6 fd00:ff:6::$n/126" "$(ip -n "$s" -6 addr show dev vti6a)" "$s vti6a has its inside address"
  assert_eq 0 "$(in_ns "$s" cat /proc/sys/net/ipv6/conf/vti6a/accept_ra)" "$s vti6a: no router solicitations"
  assert_match "inet 10.255.7.$n/30" "$(ip -n "$s" -4 addr show dev xfrm6)" "$s xfrm6 has an IPv4 inside address"
  assert_eq 4 "$(ip -n "$s" xfrm state | grep -cE '^src 2001:db8:1::[0-9]+ dst 2001:db8:1::')" \
    "$s: 4 SAs between IPv6 outer addresses (v6 and x6, in and out)"
  assert_eq 2 "$(ip -n "$s" xfrm state | grep -cE '^src 192\.0\.2\.[0-9]+ dst 192\.0\.2\.')" \
    "$s: 2 SAs between IPv4 outer addresses (d4)"
done
lan=2
assert_match "fd00:$lan::/64 dev vti4" "$(ip -n west -6 route)" "west routes fd00:2::/64 into the IPv4-outer tunnel"
assert_match "fd00:$lan:6::/64 dev vti6a" "$(ip -n west -6 route)" "west routes fd00:2:6::/64 into the vti6"
assert_match "fd00:$lan:7::/64 dev xfrm6" "$(ip -n west -6 route)" "west routes fd00:2:7::/64 into the XFRM interface"

# counted_in SITE ARRAY: assignments ARRAY[TUNNEL]=packets_in for each of the site's tunnels, from
# one status call (for eval).
counted_in() {
  ctl "$1" status | jq -r --arg a "$2" '.tunnels[] | "\($a)[\(.name)]=\(.packets_in)"'
}

# crossing TUNNEL OUTER_REGEX CMD…: CMD's traffic crosses west's underlay as ESP between the
# tunnel's outer addresses and never in clear, and east counts at least 3 packets on TUNNEL only.
crossing() {
  local t=$1 outer=$2 cap text clear u; shift 2
  declare -A before=() after=()
  eval "$(counted_in east before)"
  cap=$(capture_start west wan0)
  assert_ok "$@"
  capture_stop "$cap"
  text=$(capture_text "$cap")
  assert_ge 3 "$(printf '%s\n' "$text" | grep -cE "$outer: ESP\(spi=" || true)" "$t: ESP between $outer on the underlay"
  clear=$(printf '%s\n' "$text" | grep -E 'ICMP6?,? echo|Flags \[[SFPRUEW.]+\]' || true)
  [ -z "$clear" ] || printf '%s\n' "$text" | sed 's/^/    /' >&2
  assert_eq "" "$clear" "$t: no ICMP echo or TCP in clear on the underlay"
  eval "$(counted_in east after)"
  assert_ge 3 "$((after[$t] - before[$t]))" "east counted the traffic on $t"
  for u in d4 v6 x6; do
    [ "$u" = "$t" ] || assert_eq "${before[$u]}" "${after[$u]}" "$t traffic not counted on $u"
  done
}
v4_outer='192\.0\.2\.1 > 192\.0\.2\.2'
crossing d4 "$v4_outer" in_ns lan-w ping -c 3 -i 0.2 -W 5 10.2.0.2
crossing d4 "$v4_outer" in_ns lan-w ping -c 3 -i 0.2 -W 5 -I fd00:1::2 fd00:2::2
crossing v6 '2001:db8:1::1 > 2001:db8:1::2' in_ns lan-w ping -c 3 -i 0.2 -W 5 -I fd00:1:6::2 fd00:2:6::2
crossing x6 '2001:db8:1::1 > 2001:db8:1::3' in_ns lan-w ping -c 3 -i 0.2 -W 5 -I fd00:1:7::2 fd00:2:7::2
crossing x6 '2001:db8:1::1 > 2001:db8:1::3' in_ns west ping -c 3 -i 0.2 -W 5 10.255.7.2
assert_ok in_ns lan-e ping -c 2 -i 0.2 -W 5 -I fd00:2::2 fd00:1::2
assert_ok in_ns lan-e ping -c 2 -i 0.2 -W 5 -I fd00:2:6::2 fd00:1:6::2
assert_ok in_ns east ping -c 2 -i 0.2 -W 5 fd00:ff:7::1

# TCP: 1 MB per tunnel and family, lan-w to lan-e, intact.
head -c 1000000 /dev/urandom >"$IKE_DIR/payload"
port=5100
transfer() {
  local name=$1 src=$2 dst=$3 family=$4 pid
  port=$((port + 1))
  in_ns lan-e nc "$family" -l "$port" >"$IKE_DIR/received" &
  pid=$!
  on_exit "kill $pid 2>/dev/null"
  assert_ok wait_for 10 bash -c "ip netns exec lan-e ss -ltn | grep -q ':$port '"
  assert_ok in_ns lan-w timeout 120 nc "$family" -N -s "$src" "$dst" "$port" <"$IKE_DIR/payload"
  assert_ok wait_for 30 gone "$pid"
  assert_eq "$(sha256sum <"$IKE_DIR/payload")" "$(sha256sum <"$IKE_DIR/received")" "$name: 1 MB TCP transfer intact"
}
transfer "d4 IPv4" 10.1.0.2 10.2.0.2 -4
transfer "d4 IPv6" fd00:1::2 fd00:2::2 -6
transfer "v6 IPv6" fd00:1:6::2 fd00:2:6::2 -6
transfer "x6 IPv6" fd00:1:7::2 fd00:2:7::2 -6

# syn6_mss FROM_NS TO_NS SRC DST: the MSS option of an IPv6 TCP SYN from SRC to DST as it reaches
# TO_NS's eth0 (nothing listens on the port).
syn6_mss() {
  local cap
  cap=$(capture_start "$2" eth0 "ip6 and tcp and dst port 5001")
  in_ns "$1" nc -6 -z -w 3 -s "$3" "$4" 5001 2>/dev/null || true
  capture_stop "$cap"
  capture_text "$cap" | sed -n 's/.*Flags \[S\].*options \[mss \([0-9]*\).*/\1/p' | head -1
}
got=$(syn6_mss lan-w lan-e fd00:1::2 fd00:2::2)
assert_eq "${mss6[d4]}" "$got" "IPv6 SYN into the IPv4-outer tunnel clamped to its IPv6 MSS"
assert_ge 1 "$((1440 - got))" "IPv6 SYN MSS below the sender's 1440"
assert_eq "${mss6[d4]}" "$(syn6_mss lan-e lan-w fd00:2::2 fd00:1::2)" "IPv6 SYN out of the IPv4-outer tunnel clamped too"
assert_eq "${mss4[d4]}" "$(syn_mss lan-w lan-e 10.2.0.2)" "IPv4 SYN on the dual-stack tunnel clamped to its IPv4 MSS"
assert_eq "${mss6[v6]}" "$(syn6_mss lan-w lan-e fd00:1:6::2 fd00:2:6::2)" "IPv6 SYN into the vti6 clamped"
assert_eq "${mss6[x6]}" "$(syn6_mss lan-w lan-e fd00:1:7::2 fd00:2:7::2)" "IPv6 SYN into the XFRM interface clamped"
assert_ge 1 "$((mss6[d4] - mss6[v6]))" "the IPv6-outer tunnels' MSS is smaller (their outer header is 20 bytes longer)"

for s in west east; do
  assert_eq 0 "$(in_ns "$s" awk '$1 == "XfrmInTmplMismatch" {print $2}' /proc/net/xfrm_stat)" "$s: no template mismatch"
  assert_eq 0 "$(in_ns "$s" awk '$1 == "XfrmInNoStates" {print $2}' /proc/net/xfrm_stat)" "$s: no inbound packet without an SA"
done

down_both_sites
assert_eq 0 "$( (ip -n west -o link show type vti6; ip -n east -o link show type vti6) | grep -cv ': ip6_vti0@' || true)" \
  "no vti6 left (ip6_vti0 is the kernel's fallback device)"
assert_eq 0 "$( (ip -n west -o link show type xfrm; ip -n east -o link show type xfrm) | grep -cvE ': xfrm0@' || true)" \
  "no XFRM interface left"
