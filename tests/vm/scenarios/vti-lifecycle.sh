#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VTI manager (vti_apply_tool) creates, changes, re-applies and removes a VTI and an XFRM
# interface tunnel on the real kernel; foreign objects next to them stay untouched, and names or
# keys held by foreign objects are refused with a clear error.
#
#   namespace gw                                              namespace peer
#   wan0 192.0.2.1/24 ------------------------------------------ wan0 192.0.2.2/24
#   vti-a   vti  key 100  192.0.2.1 -> 192.0.2.2   169.254.10.1/30, route 10.1.0.0/16
#   xfrm-b  xfrm if_id 7  dev wan0                 169.254.20.1/31, route 10.2.0.0/16 table 100
#           (ESP 192.0.2.1 -> 192.0.2.3: a VTI shares its outer addresses with no other tunnel)
#   foreign: vti fvti (key 555), route 10.9.0.0/16, xfrm policy mark 999, table inet foreign
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/vti-tool.sh"
dir=$(mktemp -d /tmp/vti-lifecycle.XXXXXX)
on_exit "rm -rf $dir"

# tunnel_a MTU ADDRESS ROUTE_METRIC / tunnel_b: JSON objects of the two tunnels.
tunnel_a() {
  cat <<J
{"name": "a", "ifname": "vti-a", "kind": "vti", "key": 100, "reqid": 100,
 "local": "192.0.2.1", "remote": "192.0.2.2", "underlay": "wan0", "mtu": $1,
 "addresses": ["$2"], "routes": [{"dst": "10.1.0.0/16", "metric": $3}], "mss": "rtmtu"}
J
}
tunnel_b='{"name": "b", "ifname": "xfrm-b", "kind": "xfrm", "key": 7, "reqid": 7,
 "local": "192.0.2.1", "remote": "192.0.2.3", "underlay": "wan0", "mtu": 1380,
 "addresses": ["169.254.20.1/31", "fd00:20::1/127"],
 "routes": [{"dst": "10.2.0.0/16", "table": 100}, {"dst": "2001:db8:2::/48"}],
 "mss": {"ipv4": 1340, "ipv6": 1320}}'
echo "{\"tunnels\": [$(tunnel_a 1400 169.254.10.1/30 0), $tunnel_b]}" >"$dir/v1.json"
echo "{\"tunnels\": [$(tunnel_a 1360 169.254.10.5/30 20), $tunnel_b]}" >"$dir/v2.json"
echo "{\"tunnels\": [$(tunnel_a 1360 169.254.10.5/30 20)]}" >"$dir/v3.json"

# Foreign objects, and a fingerprint of them.
g ip link add fvti type vti local 192.0.2.1 remote 192.0.2.9 key 555
g ip route add 10.9.0.0/16 dev wan0 proto static
g ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 999 mask 0xffffffff priority 10 \
  tmpl src 192.0.2.1 dst 192.0.2.9 proto esp mode tunnel
g nft add table inet foreign
g nft add chain inet foreign c '{ type filter hook forward priority 0; }'
foreign() {
  g ip -d -o link show fvti | sed 's/state [A-Z]*//'
  g ip route show proto static
  g ip xfrm policy show | grep -A3 'mark 0x3e7' || true
  g nft list table inet foreign
}
foreign_before=$(foreign)
ours_count() { g ip xfrm policy show | grep -c "priority 2130" || true; }

log "--- create"
assert_ok tool apply "$dir/v1.json"
link_a=$(g ip -d link show vti-a)
assert_match 'vti remote 192\.0\.2\.2 local 192\.0\.2\.1 dev wan0' "$link_a" "vti-a endpoints and underlay"
assert_match 'ikey 0\.0\.0\.100 +okey 0\.0\.0\.100' "$link_a" "vti-a keys (big-endian on the wire)"
assert_match 'mtu 1400' "$link_a" "vti-a mtu"
assert_match 'alias vtigw:a' "$link_a" "vti-a ownership alias"
link_b=$(g ip -d link show xfrm-b)
assert_match 'xfrm if_id 0x7' "$link_b" "xfrm-b if_id"
assert_match 'alias vtigw:b' "$link_b" "xfrm-b ownership alias"
assert_match ',UP' "$link_b" "xfrm-b is up"
assert_match 'inet 169\.254\.10\.1/30' "$(g ip addr show dev vti-a)" "vti-a address"
assert_match 'inet6 fd00:20::1/127' "$(g ip addr show dev xfrm-b)" "xfrm-b IPv6 address"
assert_eq "10.1.0.0/16 dev vti-a scope link" "$(g ip route show proto 213 | sed 's/ *$//')" "vti-a route"
assert_eq "10.2.0.0/16 dev xfrm-b scope link" "$(g ip route show table 100 proto 213 | sed 's/ *$//')" "xfrm-b route in table 100"
assert_eq 12 "$(ours_count)" "6 policies per tunnel"
assert_eq 6 "$(g ip xfrm policy show | grep -c 'mark 0x64/0xffffffff')" "VTI policies carry the key as mark"
assert_eq 6 "$(g ip xfrm policy show | grep -c 'if_id 0x7')" "XFRM policies carry the if_id"
assert_eq 6 "$(g ip xfrm policy show | grep -c 'proto esp reqid 7 mode tunnel')" "XFRM templates reqid"
assert_eq 1 "$(g cat /proc/sys/net/ipv4/conf/vti-a/disable_policy)" "disable_policy on the VTI"
assert_eq 2 "$(g cat /proc/sys/net/ipv4/conf/xfrm-b/rp_filter)" "loose rp_filter"
nft_rules=$(g nft list table inet vtigw)
assert_eq 2 "$(grep -c 'maxseg size set rt mtu' <<<"$nft_rules")" "rt mtu clamp both directions on vti-a"
assert_eq 4 "$(grep -c 'xfrm-b.*maxseg size set 13[24]0' <<<"$nft_rules")" "fixed clamps on xfrm-b"

log "--- re-apply is a no-op"
assert_match '^changes=0$' "$(tool plan "$dir/v1.json")" "plan is empty"
assert_match '^applied changes=0 ' "$(tool apply "$dir/v1.json")" "apply changes nothing"

log "--- change MTU, address, route"
index_a=$(g cat /sys/class/net/vti-a/ifindex)
plan=$(tool plan "$dir/v2.json")
printf '%s\n' "$plan" | sed 's/^/    /' >&2
assert_match '^ip link set vti-a mtu 1360 alias vtigw:a up$' "$plan" "MTU change planned"
assert_match '^ip addr add 169\.254\.10\.5/30 dev vti-a$' "$plan" "address add planned"
assert_match '^ip addr del 169\.254\.10\.1/30 dev vti-a$' "$plan" "address removal planned"
assert_match '^ip route add 10\.1\.0\.0/16 dev vti-a metric 20 table 254 proto 213' "$plan" "route planned"
assert_match '^changes=5$' "$plan" "exactly five changes"
assert_ok tool apply "$dir/v2.json"
assert_eq "$index_a" "$(g cat /sys/class/net/vti-a/ifindex)" "vti-a changed in place, not recreated"
assert_match 'mtu 1360' "$(g ip link show vti-a)" "new MTU"
assert_eq "inet 169.254.10.5/30" "$(g ip -4 -o addr show dev vti-a | awk '{print $3, $4}')" "only the new address"
assert_eq "10.1.0.0/16 dev vti-a scope link metric 20" "$(g ip route show proto 213 | sed 's/ *$//')" "route moved to metric 20"
assert_match '^changes=0$' "$(tool plan "$dir/v2.json")" "no-op after the change"

log "--- remove tunnel b"
assert_ok tool apply "$dir/v3.json"
assert_fail g ip link show xfrm-b
assert_eq "" "$(g ip route show table 100 proto 213)" "b's route gone"
assert_eq 6 "$(ours_count)" "only a's policies left"
assert_eq 0 "$(g nft list table inet vtigw | grep -c xfrm-b)" "b's clamps gone"
assert_eq "$index_a" "$(g cat /sys/class/net/vti-a/ifindex)" "vti-a untouched"

log "--- foreign name and key are refused"
echo '{"tunnels": [{"name": "c", "ifname": "fvti", "key": 300, "local": "192.0.2.1", "remote": "192.0.2.3"}]}' >"$dir/name.json"
out=$(tool apply "$dir/name.json" 2>&1) && fail "apply over a foreign interface succeeded"
assert_match 'tunnel c: interface fvti already exists and is not owned by vtigw' "$out" "name conflict message"
echo '{"tunnels": [{"name": "d", "ifname": "vti-d", "key": 555, "local": "192.0.2.1", "remote": "192.0.2.9"}]}' >"$dir/key.json"
out=$(tool apply "$dir/key.json" 2>&1) && fail "apply with a foreign key succeeded"
assert_match 'tunnel d: key 555 is already used by interface fvti' "$out" "key conflict message"
assert_eq 1 "$(g ip -o link show | grep -c 'alias vtigw')" "refused applies changed nothing"

log "--- flush"
assert_ok tool flush
assert_eq 0 "$(g ip -o link show | grep -c 'alias vtigw' || true)" "no owned links"
assert_eq "" "$(g ip route show table all proto 213)" "no owned routes"
assert_eq 0 "$(ours_count)" "no owned policies"
assert_fail g nft list table inet vtigw
assert_eq "$foreign_before" "$(foreign)" "foreign objects unchanged"
