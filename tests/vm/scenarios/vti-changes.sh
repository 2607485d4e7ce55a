#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VTI manager (vti_apply_tool) on the real kernel, beyond create/remove (vti-lifecycle.sh):
# a key change and a kind change (vti -> xfrm) converge with nothing stale; a VTI over IPv6 outer
# addresses (vti6); a kernel failure in the middle of an apply is rolled back, taking the VTI
# created by that apply away again; and the ifindex the manager chooses for a link it creates is
# used, or, when a foreign link has it, the apply is redone with the kernel choosing.
#
#   namespace gw  wan0 192.0.2.1/24 2001:db8::1/64  ----  namespace peer  wan0 192.0.2.2 2001:db8::2
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/vti-tool.sh"
ip -n gw addr add 2001:db8::1/64 dev wan0 nodad
ip -n peer addr add 2001:db8::2/64 dev wan0 nodad
dir=$(mktemp -d /tmp/vti-changes.XXXXXX)
on_exit "rm -rf $dir"
on_exit "ip netns exec gw $tool flush >/dev/null 2>&1"

# state KIND KEY [LOCAL REMOTE]: one tunnel "a" on interface tun-a.
state() {
  cat <<J
{"tunnels": [{"name": "a", "ifname": "tun-a", "kind": "$1", "key": $2, "reqid": 50,
 "local": "${3:-192.0.2.1}", "remote": "${4:-192.0.2.2}", "underlay": "wan0", "mtu": 1400,
 "addresses": ["169.254.30.1/30"], "routes": [{"dst": "10.3.0.0/16"}], "mss": {"ipv4": 1360, "ipv6": 1340}}]}
J
}
policies() { g ip xfrm policy show; }
converged() { assert_match '^changes=0$' "$(tool plan "$1")" "$2: re-plan is empty"; }

log "--- key change on a VTI: 100 -> 101"
state vti 100 >"$dir/k100.json"
state vti 101 >"$dir/k101.json"
assert_ok tool apply "$dir/k100.json"
assert_eq 6 "$(policies | grep -c 'mark 0x64/0xffffffff')" "policies carry key 100"
plan=$(tool plan "$dir/k101.json")
printf '%s\n' "$plan" | sed 's/^/    /' >&2
assert_ok tool apply "$dir/k101.json"
assert_match 'ikey 0\.0\.0\.101 +okey 0\.0\.0\.101' "$(g ip -d link show tun-a)" "the VTI has the new key"
assert_eq 6 "$(policies | grep -c 'mark 0x65/0xffffffff')" "six policies with the new mark"
assert_eq 0 "$(policies | grep -c 'mark 0x64/')" "none with the old mark"
assert_eq "10.3.0.0/16 dev tun-a scope link" "$(g ip route show proto 213 | sed 's/ *$//')" "route still there"
assert_match 'inet 169\.254\.30\.1/30' "$(g ip addr show dev tun-a)" "address still there"
converged "$dir/k101.json" "key change"

log "--- kind change: vti -> xfrm on the same name"
state xfrm 101 >"$dir/xfrm.json"
assert_ok tool apply "$dir/xfrm.json"
link=$(g ip -d link show tun-a)
assert_match 'xfrm if_id 0x65' "$link" "now an XFRM interface with the key as if_id"
assert_match 'alias vtigw:a' "$link" "still owned"
assert_eq 6 "$(policies | grep -c 'if_id 0x65')" "policies carry the if_id"
assert_eq 0 "$(policies | grep -c 'mark 0x65/')" "no VTI-mark policy left"
assert_eq 0 "$(g ip -o link show type vti | grep -c tun-a || true)" "no VTI of that name left"
assert_match 'inet 169\.254\.30\.1/30' "$(g ip addr show dev tun-a)" "address on the new interface"
assert_eq "10.3.0.0/16 dev tun-a scope link" "$(g ip route show proto 213 | sed 's/ *$//')" "route on the new interface"
assert_eq 2 "$(g nft list table inet vtigw | grep -c 'tun-a.*maxseg size set 1360')" "IPv4 clamp follows, both directions"
converged "$dir/xfrm.json" "kind change"
assert_ok tool flush

log "--- VTI over IPv6 outer addresses (vti6)"
state vti 200 2001:db8::1 2001:db8::2 >"$dir/v6.json"
assert_ok tool apply "$dir/v6.json"
link=$(g ip -d link show tun-a)
assert_match 'vti6 remote 2001:db8::2 local 2001:db8::1 dev wan0' "$link" "vti6 endpoints and underlay"
assert_match 'ikey 0\.0\.0\.200 +okey 0\.0\.0\.200' "$link" "vti6 keys"
assert_eq 2 "$(policies | grep -c 'tmpl src 2001:db8::1 dst 2001:db8::2')" "out templates (IPv4 and IPv6 inner) from the local to the remote IPv6 outer address"
assert_eq 4 "$(policies | grep -c 'tmpl src 2001:db8::2 dst 2001:db8::1')" "in and fwd templates from the remote to the local IPv6 outer address"
assert_eq 1 "$(g cat /proc/sys/net/ipv4/conf/tun-a/disable_policy)" "disable_policy on the vti6"
converged "$dir/v6.json" "vti6"
assert_ok tool flush
assert_eq "" "$(policies)" "flush removed the vti6 policies"

log "--- a kernel failure mid-apply is rolled back (the new VTI goes away again)"
g sysctl -qw net.ipv6.conf.default.disable_ipv6=1
cat >"$dir/fail.json" <<J
{"tunnels": [{"name": "r", "ifname": "tun-r", "kind": "vti", "key": 300, "reqid": 300,
 "local": "192.0.2.1", "remote": "192.0.2.2", "underlay": "wan0",
 "addresses": ["169.254.40.1/30", "fd00:40::1/127"], "routes": [{"dst": "10.4.0.0/16"}]}]}
J
out=$(tool apply "$dir/fail.json" 2>&1) && fail "apply with IPv6 disabled on new links succeeded"
printf '%s\n' "$out" | sed 's/^/    /' >&2
assert_match 'tunnel r: add address fd00:40::1/127 on tun-r' "$out" "the failing object is named"
assert_match 'rolled back' "$out" "the message says it was rolled back"
assert_fail g ip link show tun-r
assert_eq "" "$(policies)" "no policy left"
assert_eq "" "$(g ip route show table all proto 213)" "no route left"
assert_fail g nft list table inet vtigw
g sysctl -qw net.ipv6.conf.default.disable_ipv6=0

log "--- the ifindex chosen for a created link, and a chosen one already taken"
assert_ok tool flush
out=$(tool --first-ifindex 4000 apply "$dir/k100.json")
assert_match 'chosen_ifindexes=1 ifindex_fallback=no' "$out" "the manager chose the index"
assert_match '^4000: tun-a' "$(g ip -o link show tun-a)" "the VTI has the chosen index"
assert_eq "10.3.0.0/16 dev tun-a scope link" "$(g ip route show proto 213 | sed 's/ *$//')" "route on it (by that index)"
assert_match 'inet 169\.254\.30\.1/30' "$(g ip addr show dev tun-a)" "address on it"
converged "$dir/k100.json" "chosen ifindex"
assert_ok tool flush
g ip link add index 4100 name foreign0 type dummy
out=$(tool --first-ifindex 4100 apply "$dir/k100.json")
printf '%s\n' "$out" | tail -1 | sed 's/^/    /' >&2
assert_match 'ifindex_fallback=yes' "$out" "a taken index: redone with the kernel choosing"
foreign=$(g ip -o -d link show foreign0)
assert_match '^4100: foreign0' "$foreign" "the foreign link keeps its index"
assert_eq 0 "$(printf '%s\n' "$foreign" | grep -cE 'vtigw|mtu 1400' || true)" "the foreign link was not touched"
assert_eq 0 "$(g ip -o link show tun-a | grep -c '^4100:' || true)" "the VTI got another index"
assert_eq "10.3.0.0/16 dev tun-a scope link" "$(g ip route show proto 213 | sed 's/ *$//')" "route on the VTI"
converged "$dir/k100.json" "after the fallback"
g ip link del foreign0
