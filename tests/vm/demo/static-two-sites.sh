#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo (until IKE lands): two sites, a route-based VTI with static AES-GCM ESP keys, traffic
# from one LAN to the other, and the tunnel's state shown. Every kernel change is printed.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/static-tunnel.sh"
export VTIGW_SHOW=1
echo "== Building two sites: lan-w - west =ESP/VTI= east - lan-e" >&2
static_topology
echo >&2
echo "== Ping from west's LAN (10.1.0.2) to east's LAN (10.2.0.2) through the tunnel" >&2
in_ns lan-w ping -c 3 -i 0.3 -W 5 10.2.0.2 >&2
echo >&2
echo "== Status on west" >&2
ip -n west -s link show vti0 >&2
ip -n west -s xfrm state | grep -E '^src|spi|aead|packets' | sed -E 's/(aead [^ ]+) 0x[0-9a-f]+/\1 <key hidden>/' >&2
echo >&2
echo "== Demo finished; the VM powers off and leaves nothing behind" >&2
