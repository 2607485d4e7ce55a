#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Static AES-GCM ESP over a VTI between two sites: a ping between the LANs goes through the
# tunnel, ESP is seen on the underlay and nothing crosses it in clear.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/static-tunnel.sh"
static_topology

cap=$(capture_start west wan0)
assert_ok in_ns lan-w ping -c 3 -i 0.3 -W 5 10.2.0.2
capture_stop "$cap"
text=$(capture_text "$cap")
esp=$(printf '%s\n' "$text" | grep -c 'ESP(spi=' || true)
clear=$(printf '%s\n' "$text" | grep -c 'ICMP echo' || true)
assert_ge 6 "$esp" "ESP packets on the underlay (3 requests + 3 replies)"
assert_eq 0 "$clear" "ICMP packets in clear on the underlay"
assert_ge 3 "$(esp_packets west "$SPI_W2E")" "packets on west's outbound SA"
assert_ge 3 "$(esp_packets east "$SPI_W2E")" "packets on east's inbound SA"
