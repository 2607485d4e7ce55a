#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An nftables MSS clamp on west rewrites the MSS of TCP SYNs forwarded into the VTI. Control: the
# same SYN without the clamp arrives with the sender's own MSS.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/tests/vm/static-tunnel.sh"
static_topology

# syn_mss: the MSS option of the SYN that reaches lan-e from lan-w.
syn_mss() {
  local cap
  cap=$(capture_start lan-e eth0 'tcp[tcpflags] & tcp-syn != 0 and dst port 5001')
  in_ns lan-w timeout 3 bash -c 'exec 3<>/dev/tcp/10.2.0.2/5001' 2>/dev/null || true
  capture_stop "$cap"
  capture_text "$cap" | sed -n 's/.*options \[mss \([0-9]*\).*/\1/p' | head -1
}

assert_eq 1460 "$(syn_mss)" "SYN MSS without a clamp (lan-w's veth MTU 1500 - 40)"
in_ns west nft -f - <<'NFT'
table inet vtigw {
  chain forward {
    type filter hook forward priority mangle; policy accept;
    oifname "vti0" tcp flags syn / syn,rst tcp option maxseg size set 1360
  }
}
NFT
on_exit "ip netns exec west nft delete table inet vtigw"
assert_eq 1360 "$(syn_mss)" "SYN MSS after crossing west's clamp"
