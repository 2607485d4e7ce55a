#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Both peers behind NAT (ike-plugin/testing/nat-sites.sh with `forward`): the branch (west) behind
# a port-changing masquerade, the datacenter (east, private address 172.16.0.2) behind a NAT that
# forwards UDP 500 and 4500 to it. The branch initiates to the forward's public address; both
# sides see a NAT on both sides, IKE and ESP run in UDP 4500, the NATs' outsides carry nothing
# else, and pings cross both ways.
source "$VTIGW_VM_LIB"
source "$VTIGW_SRC/ike-plugin/testing/ike-sites.sh"
source "$VTIGW_SRC/ike-plugin/testing/nat-sites.sh"
on_exit show_logs
start=$(date +%s.%N)

nat_topology forward
write_psk "$IKE_DIR/psk" "$(head -c 24 /dev/urandom | base64)"
nat_site_configs "$IKE_DIR/psk" 20s 10s 172.16.0.2

cap=$(capture_start nat wan0)
assert_ok vtigw_up east --wait=60
t0=$(date +%s.%N)
assert_ok vtigw_up west --wait=90
assert_ok wait_for 30 in_ns lan-w ping -c 1 -W 1 10.2.0.2
log "measured: vtigw up (branch) to first ping answered through both NATs: $(since "$t0") s"
assert_ok wait_for 10 tunnel_up east
assert_ok in_ns lan-w ping -c 5 -i 0.2 -W 5 10.2.0.2
assert_ok in_ns lan-e ping -c 5 -i 0.2 -W 5 10.1.0.2
capture_stop "$cap"
outside_capture_check "$cap" 20

sw=$(ctl west status)
se=$(ctl east status)
log "branch status: $sw"
log "datacenter status: $se"
assert_eq "true true true" "$(jq -r '.tunnels[0] | "\(.nat_local) \(.nat_remote) \(.udp_encap)"' <<<"$sw")" \
  "branch: NAT on both sides, ESP in UDP"
assert_eq "true true true" "$(jq -r '.tunnels[0] | "\(.nat_local) \(.nat_remote) \(.udp_encap)"' <<<"$se")" \
  "datacenter: NAT on both sides, ESP in UDP"
assert_eq "172.16.0.2 4500 192.0.2.1" \
  "$(jq -r '.tunnels[0] | "\(.ike_local_address) \(.ike_local_port) \(.ike_remote_address)"' <<<"$se")" \
  "datacenter: IKE on its private address, from the branch NAT's public address"
assert_match "both udp 4500/4500" "$(vtigw_at west status)" "branch status table: NAT on both sides"
assert_eq "4500 4500" "$(encap_ports west)" "branch's SAs: ESP in UDP 4500 -> 4500 (the forward)"

down_both_sites
log "measured: nat-both-sides total $(since "$start") s"
