#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two sites whose VTIs, routes, mark-based policies, sysctls and MSS clamps all come from the VTI
# manager (vti_apply_tool); only the ESP SAs are added by hand, as the IKE daemon would, with the
# tunnel's mark and reqid. Traffic passes, and forwarded SYNs are clamped in both directions.
#
#   lan-w ------------ west ================ east ------------ lan-e
#   10.1.0.2/24  10.1.0.1/24  192.0.2.1 -- 192.0.2.2  10.2.0.1/24  10.2.0.2/24
#                     vti-e 10.255.0.1/30 <--ESP--> vti-w 10.255.0.2/30   (key 42, reqid 1)
source "$VTIGW_VM_LIB"
tool=$VTIGW_BUILD/tests/vti/vti_apply_tool
[ -x "$tool" ] || fail "no $tool; build the vti_apply_tool target"
KEY_W2E=0x0123456789abcdef0123456789abcdef01234567
KEY_E2W=0xfedcba9876543210fedcba9876543210fedcba98
dir=$(mktemp -d /tmp/vti-mss.XXXXXX)
on_exit "rm -rf $dir"

two_sites

# site NS IFNAME LOCAL REMOTE INSIDE REMOTE_LAN MSS_JSON: desired state of one site.
site() {
  cat <<J
{"tunnels": [{"name": "to-$1", "ifname": "$2", "kind": "vti", "key": 42, "reqid": 1,
  "local": "$3", "remote": "$4", "underlay": "wan0", "mtu": 1400,
  "addresses": ["$5"], "routes": [{"dst": "$6"}], "mss": $7}]}
J
}
site east vti-e 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 '{"ipv4": 1300, "ipv6": 1280}' >"$dir/west-fixed.json"
site east vti-e 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 '"rtmtu"' >"$dir/west-rtmtu.json"
site east vti-e 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 '"off"' >"$dir/west-off.json"
site west vti-w 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 '"off"' >"$dir/east.json"
assert_ok ip netns exec west "$tool" apply "$dir/west-off.json"
assert_ok ip netns exec east "$tool" apply "$dir/east.json"
on_exit "ip netns exec west $tool flush; ip netns exec east $tool flush"

# The SAs (the IKE daemon's job): the tunnel's mark and reqid, one per direction.
sa() {
  ip -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" reqid 1 mode tunnel mark 42 \
    aead 'rfc4106(gcm(aes))' "$5" 128
}
sa west 192.0.2.1 192.0.2.2 0x1001 "$KEY_W2E"
sa west 192.0.2.2 192.0.2.1 0x2002 "$KEY_E2W"
sa east 192.0.2.2 192.0.2.1 0x2002 "$KEY_E2W"
sa east 192.0.2.1 192.0.2.2 0x1001 "$KEY_W2E"
on_exit "ip -n west xfrm state flush; ip -n east xfrm state flush"
for ns in west east; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done

assert_ok in_ns lan-w ping -c 2 -W 3 10.2.0.2
esp=$(ip -n west -s xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 mark 42 |
  sed -n 's/^[[:space:]]*[0-9]*(bytes), \([0-9]*\)(packets).*/\1/p' | head -1)
assert_ge 2 "$esp" "pings went through west's SA, so the manager's policies match the SA's reqid"
# Why the manager never sets disable_xfrm on a VTI: it stops the VTI from encrypting.
ip netns exec west sysctl -qw net.ipv4.conf.vti-e.disable_xfrm=1
assert_fail in_ns lan-w ping -c 1 -W 2 10.2.0.2
ip netns exec west sysctl -qw net.ipv4.conf.vti-e.disable_xfrm=0
assert_ok in_ns lan-w ping -c 1 -W 3 10.2.0.2

assert_eq 1460 "$(syn_mss lan-w lan-e 10.2.0.2)" "control: no clamp, the sender's MSS (1500 - 40)"
assert_fail ip netns exec west nft list table inet vtigw
assert_ok ip netns exec west "$tool" apply "$dir/west-fixed.json"
assert_eq 1300 "$(syn_mss lan-w lan-e 10.2.0.2)" "SYN into the VTI clamped to the fixed MSS (oifname rule)"
assert_eq 1300 "$(syn_mss lan-e lan-w 10.1.0.2)" "SYN out of the VTI clamped too (iifname rule)"

assert_ok ip netns exec west "$tool" apply "$dir/west-rtmtu.json"
assert_eq 1 "$(ip netns exec west nft list table inet vtigw | grep -c 'oifname "vti-e" tcp flags syn / syn,rst tcp option maxseg size set rt mtu')" "rt mtu rule"
assert_eq 1360 "$(syn_mss lan-w lan-e 10.2.0.2)" "SYN clamped to the VTI's route MTU 1400 - 40"
# rt mtu takes the smaller of the MTU towards the destination and back to the source (nft_rt's
# get_tcpmss), so the reverse SYN (out via lan0, MTU 1500, source behind vti-e) is clamped too.
assert_eq 1360 "$(syn_mss lan-e lan-w 10.1.0.2)" "reverse SYN clamped by the iifname rule to 1400 - 40"
