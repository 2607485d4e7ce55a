#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# IKEv2 over XFRM interfaces: two XFRM-interface tunnels between the same outer addresses plus a
# VTI on another address pair, all negotiated by the vtigw daemons.
#
#   lan-w ------------ west ========================== east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1      192.0.2.2, 192.0.2.3  10.2.0.1/24  10.2.0.2/24
#   xa: xfrm1 if_id 101  10.255.1.1/30 <-> 10.255.1.2/30  192.0.2.1 <-> 192.0.2.2  (the LAN routes)
#   xb: xfrm2 if_id 102  10.255.2.1/30 <-> 10.255.2.2/30  192.0.2.1 <-> 192.0.2.2
#   vv: vti0  mark 42    10.255.3.1/30 <-> 10.255.3.2/30  192.0.2.1 <-> 192.0.2.3
#
# A VTI takes every ESP packet between its outer addresses (ip_vti looks the tunnel up by the
# addresses alone and runs before xfrm_interface), so a VTI sharing 192.0.2.1 <-> 192.0.2.2 with
# the XFRM tunnels dropped their traffic (XfrmInTmplMismatch); `check` refuses that configuration.
# All three tunnels come up, pings cross each one as ESP and are counted on that tunnel only, and
# `down` leaves no xfrm state, policy, VTI or XFRM interface.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
on_exit show_logs

# xfrm_config SITE LOCALS N REMOTE_LAN START PEER XFRM_REMOTE VTI_REMOTE [VTI_LOCAL]: SITE.json with
# tunnels xa, xb (XFRM) and vv (VTI); N is the site's host number in the inside /30s.
xfrm_config() {
  local site=$1 locals=$2 n=$3 lan=$4 start=$5 peer=$6 xr=$7 vr=$8 vl=${9:-}
  cat >"$IKE_DIR/$site.json" <<JSON
{
  "gateway": {"name": "$site", "local": [$locals], "underlay": "wan0"},
  "defaults": {
    "ike_proposals": ["aes256gcm16-prfsha384-x25519"],
    "esp_proposals": ["aes256gcm16-x25519"],
    "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}
  },
  "tunnels": [
$(tunnel_json xa xfrm xfrm1 if_id 101 "{\"local\": \"10.255.1.$n/30\"}" "{\"prefix\": \"$lan\"}" "$start" "$xr" "$site" "$peer"),
$(tunnel_json xb xfrm xfrm2 if_id 102 "{\"local\": \"10.255.2.$n/30\"}" "" "$start" "$xr" "$site" "$peer"),
$(tunnel_json vv vti vti0 mark 42 "{\"local\": \"10.255.3.$n/30\"}" "" "$start" "$vr" "$site" "$peer" "$vl")
  ]
}
JSON
}

xstat() { in_ns "$1" awk -v k="$2" '$1 == k {print $2}' /proc/net/xfrm_stat; }

ike_topology
ip -n east addr add 192.0.2.3/24 dev wan0
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"

# The VTI on the XFRM tunnels' outer addresses: refused, with the reason.
xfrm_config west '"192.0.2.1"' 1 10.2.0.0/24 initiate east 192.0.2.2 192.0.2.2
out=$("$VTIGW" check -c "$IKE_DIR/west.json" 2>&1) && fail "check accepted a VTI sharing outer addresses: $out"
assert_match 'tunnels/2/remote.*one of them is a VTI' "$out" "check names the VTI sharing outer addresses"

xfrm_config west '"192.0.2.1"' 1 10.2.0.0/24 initiate east 192.0.2.2 192.0.2.3
xfrm_config east '"192.0.2.2", "192.0.2.3"' 2 10.1.0.0/24 respond west 192.0.2.1 192.0.2.1 192.0.2.3
for s in west east; do assert_ok "$VTIGW" check -c "$IKE_DIR/$s.json"; done

start_vtigwd east
start_vtigwd west
assert_ok wait_for 90 all_up west 3
assert_ok wait_for 30 all_up east 3

# Kernel objects: XFRM interfaces with their if_ids, SAs carrying them, vtigw's policies only.
for s in west east; do
  assert_match 'xfrm if_id 0x65' "$(ip -n "$s" -d link show xfrm1)" "$s xfrm1 has if_id 101"
  assert_match 'xfrm if_id 0x66' "$(ip -n "$s" -d link show xfrm2)" "$s xfrm2 has if_id 102"
  assert_eq 2 "$(ip -n "$s" xfrm state | grep -c 'if_id 0x65')" "$s: in and out SA of xa carry if_id 101"
  assert_eq 2 "$(ip -n "$s" xfrm state | grep -c 'if_id 0x66')" "$s: in and out SA of xb carry if_id 102"
  assert_match 'mark 0x2a/0xffffffff' "$(ip -n "$s" xfrm state)" "$s: the VTI's SA carries mark 42"
  assert_eq 18 "$(ip -n "$s" xfrm policy | grep -cE 'dir (in|out|fwd) priority 2130')" \
    "$s: 18 policies, vtigw's (3 tunnels x out/in/fwd x IPv4/IPv6)"
  assert_eq 0 "$(in_ns "$s" cat /proc/sys/net/ipv6/conf/xfrm1/accept_ra)" "$s xfrm1: no router solicitations"
done

# LAN to LAN through xa: ESP only on the underlay.
esp_only_ping

# Each tunnel's pings are counted on that tunnel and no other (the kernel demultiplexes the two
# XFRM tunnels by the SA's if_id, the VTI by its addresses).
for t in xb vv; do
  n=${t/xb/2}; n=${n/vv/3}
  declare -A before=()
  for u in xa xb vv; do before[$u]=$(field_of east "$u" packets_in); done
  assert_ok in_ns west ping -c 3 -i 0.2 -W 5 "10.255.$n.2"
  assert_ge 3 "$(( $(field_of east "$t" packets_in) - before[$t] ))" "east counted the pings to $t on $t"
  for u in xa xb vv; do
    [ "$u" = "$t" ] || assert_eq "${before[$u]}" "$(field_of east "$u" packets_in)" "pings to $t not counted on $u"
  done
done
assert_ok in_ns east ping -c 3 -i 0.2 -W 5 10.255.1.1
assert_ok in_ns lan-e ping -c 3 -i 0.2 -W 5 10.1.0.2

for s in west east; do
  assert_eq 0 "$(xstat "$s" XfrmInTmplMismatch)" "$s: no template mismatch"
  assert_eq 0 "$(xstat "$s" XfrmInNoStates)" "$s: no inbound packet without an SA"
  log "$s xfrm_stat (non-zero): $(in_ns "$s" awk '$2 != 0' /proc/net/xfrm_stat | tr -s ' \t\n' ' ')"
done

down_both_sites
assert_eq 0 "$( (ip -n west -o link show type xfrm; ip -n east -o link show type xfrm) | grep -cvE ': xfrm0@' || true)" \
  "no XFRM interface left"
