#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo: two sites negotiate IKEv2 (PSK, AES-GCM, x25519) with `vtigw up --wait` and bring a
# route-based VTI up; a ping crosses from one site's LAN to the other's and both gateways' status
# is shown. Then `vtigw down` on both leaves nothing behind.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
say() { printf '\n== %s\n' "$*" >&2; }

say "Two sites: lan-w - west =IKEv2/ESP over VTI= east - lan-e (network namespaces)"
psk_sites

say "west's configuration (PSK in a 0600 file)"
cat "$IKE_DIR/west.json" >&2
say "vtigw check"
"$VTIGW" check -c "$IKE_DIR/west.json" >&2

say "vtigw up on east (responds), then vtigw up --wait on west (initiates)"
vtigw_up east --verbose || { show_logs; fail "vtigw up failed on east"; }
vtigw_up west --verbose --wait=90 || { show_logs; fail "vtigw up --wait failed on west"; }
say "Kernel changes west's daemon made (as ip/nft commands)"
{ grep -F '[#]' "$IKE_DIR/west.log" || true; } | sed 's/^.*vtigwd: //' >&2

say "Ping from west's LAN (10.1.0.2) to east's LAN (10.2.0.2) through the tunnel"
wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2 || { show_logs; fail "no ping through the tunnel"; }
in_ns lan-w ping -c 3 -i 0.3 -W 5 10.2.0.2 >&2

say "vtigw status on west"
vtigw_at west status >&2
say "vtigw status on east"
vtigw_at east status >&2

say "vtigw down on both sites"
vtigw_at west down >&2
vtigw_at east down >&2
wait_for 20 bash -c "$(declare -f gone); gone $(cat "$IKE_DIR/west.pid") && gone $(cat "$IKE_DIR/east.pid")"
rm -f "$IKE_DIR/west.pid" "$IKE_DIR/east.pid"
say "Done: the harness now checks that no SA, policy, interface, route or nft table is left"
