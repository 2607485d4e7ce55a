#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Negative case: east holds a different key for west's SA, so ESP from west fails its integrity
# check and the ping does not pass.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/static-tunnel.sh"
static_topology 0x00000000000000000000000000000000deadbeef

errors_before=$(in_ns east awk '$1=="XfrmInStateProtoError"{print $2}' /proc/net/xfrm_stat)
assert_fail in_ns lan-w ping -c 2 -i 0.3 -W 2 10.2.0.2
errors_after=$(in_ns east awk '$1=="XfrmInStateProtoError"{print $2}' /proc/net/xfrm_stat)
assert_ge $((errors_before + 2)) "$errors_after" "east's ESP integrity failures (XfrmInStateProtoError)"
assert_ge 2 "$(esp_packets west "$SPI_W2E")" "packets west encrypted and sent"
