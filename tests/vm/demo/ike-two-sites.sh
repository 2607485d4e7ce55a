#!/bin/bash
# The demo: two sites, each running the vtigw daemon, negotiate IKEv2 (PSK, AES-GCM, x25519) and
# bring a route-based VTI up; a ping crosses from one site's LAN to the other's and the status of
# both gateways is shown. Then both tear down and leave nothing behind.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
say() { printf '\n== %s\n' "$*" >&2; }

say "Two sites: lan-w - west =IKEv2/ESP over VTI= east - lan-e (network namespaces)"
ike_topology
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
site_config west 192.0.2.1 192.0.2.2 10.255.0.1/30 10.2.0.0/24 initiate "$IKE_DIR/psk"
site_config east 192.0.2.2 192.0.2.1 10.255.0.2/30 10.1.0.0/24 respond "$IKE_DIR/psk"

say "west's configuration (PSK in a 0600 file)"
cat "$IKE_DIR/west.json" >&2
say "vtigw check"
"$VTIGW_BUILD/gateway/vtigw" check -c "$IKE_DIR/west.json" >&2

say "Starting vtigwd on both sites; west initiates"
start_vtigwd east
start_vtigwd west
wait_for 60 in_ns lan-w ping -c 1 -W 1 10.2.0.2 || { show_logs; fail "tunnel did not come up"; }
say "Kernel changes west's vtigwd made (as ip/nft commands)"
{ grep -F '[#]' "$IKE_DIR/west.log" || true; } | sed 's/^.*vtigwd: //' >&2

say "Ping from west's LAN (10.1.0.2) to east's LAN (10.2.0.2) through the tunnel"
in_ns lan-w ping -c 3 -i 0.3 -W 5 10.2.0.2 >&2

say "Status on west (vtigwctl status)"
ctl west status | jq . >&2
say "Status on east"
ctl east status | jq . >&2

say "Tearing down (vtigwctl down) on both sites"
ctl west down >/dev/null
ctl east down >/dev/null
wait_for 20 bash -c "! kill -0 $(cat "$IKE_DIR/west.pid") && ! kill -0 $(cat "$IKE_DIR/east.pid")"
say "Done: the harness now checks that no SA, policy, interface, route or nft table is left"
